"""Which balloon channel carries a comparison: the same comparison with each channel off in turn.

Every channel of the balloon (``channels.*`` in a scenario: the world price, local scarcity,
trafficker relocation, household migration and entry) is a switch. Switched off in the policy and
the counterfactual alike, on the same seeds (and posterior draws), the comparison shows what is
left of the balloon without that channel. The target and the window stay those of the comparison
with every channel on, so that each row measures the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor

import pandas as pd

from model.experiments.compare import Comparison, ComparisonError, compare
from model.experiments.pressure import Target
from model.scenario.behaviour import Channels
from model.scenario.loading import load_scenario

#: Every switchable channel, in the schema's order.
CHANNELS = tuple(Channels.model_fields)
ALL_ON = "all channels on"
#: The metrics the channel table keeps (metrics.csv has every metric of the comparison itself).
METRICS = ("displacement_ratio", "displacement_ratio_within", "displacement_ratio_across",
           "removed_ha", "net_reduction_ha", "wholesale_price_change")  # fmt: skip


def channel_label(channel: str) -> str:
    """The row label of a comparison with ``channel`` switched off."""
    return f"{channel} off"


def by_channel(
    comparison: Comparison,
    policy_source: str,
    counterfactual_source: str,
    overrides: Sequence[str] = (),
    executor: str | Executor = "process",
    workers: int | None = None,
    progress: bool = False,
    posterior: bool = False,
) -> pd.DataFrame:
    """The comparison's headline metrics with every channel on, then with each one off in turn.

    Args:
        comparison: the comparison of one policy with every channel on.
        policy_source: the policy's scenario file (or shipped name).
        counterfactual_source: the counterfactual's scenario file (or shipped name).
        overrides: the ``--set`` overrides of the comparison.
        executor: where to run replications.
        workers: worker processes.
        progress: show progress bars.
        posterior: draw the free parameters from the counterfactual's posterior, as the
            comparison did.

    Returns:
        The rows of ``comparison.summary`` for :data:`METRICS`, with a ``channels`` column first
        (``all channels on``, then ``<channel> off`` per channel).

    """
    (name,) = comparison.policies
    window, _ = comparison.windows[name]
    (target,) = dict.fromkeys(comparison.summary.target)  # one target (the CLI allows no more)
    target = Target.parse(target)
    runs = len(comparison.counterfactual.seeds)
    tables = [_headline(comparison.summary, ALL_ON)]
    for channel in CHANNELS:
        switched = [*overrides, f"channels.{channel}=false"]
        try:
            off = compare(
                [load_scenario(policy_source, switched)],
                load_scenario(counterfactual_source, switched),
                replications=runs,
                targets=[target],
                window=window,
                executor=executor,
                workers=workers,
                progress=progress,
                posterior=posterior,
            )
        except ComparisonError as error:
            raise ComparisonError(f"with channels.{channel} off: {error}") from None
        tables.append(_headline(off.summary, channel_label(channel)))
        del off  # its runs go before the next channel's are made
    return pd.concat(tables, ignore_index=True)


def _headline(summary: pd.DataFrame, label: str) -> pd.DataFrame:
    rows = summary[summary.metric.isin(METRICS)]
    return rows.assign(channels=label)[["channels", *summary.columns]]
