"""Tables for reports: the comparison's balloon metrics as Markdown."""

from __future__ import annotations

import pandas as pd

from model.columns import describe
from model.figures.style import format_number


def summary_markdown(summary: pd.DataFrame, covers: str = "paired replications") -> str:
    """The comparison summary as Markdown: one table per scenario and target.

    ``covers`` says what the intervals are over (e.g. ``20 paired replication(s), each with its
    own posterior draw``).
    """
    parts = ["# Balloon metrics\n"]
    parts.append(
        f"Median and 90% interval (5th-95th percentile) over {covers}; `n` counts the "
        "replications where the metric is defined (e.g. a ratio needs coca removed from the "
        "target).\n"
    )
    for (scenario, target), rows in summary.groupby(["scenario", "target"], sort=False):
        first = rows.iloc[0]
        parts.append(
            f"\n## {scenario} against {first.counterfactual}, target {target}, "
            f"{first.window_start} to {first.window_end}\n"
        )
        parts.append("| metric | median | 90% interval | unit | n |")
        parts.append("| --- | ---: | ---: | --- | ---: |")
        for row in rows.itertuples():
            interval = f"{format_number(row.low)} to {format_number(row.high)}"
            parts.append(
                f"| {row.metric} | {format_number(row.median)} | {interval} | {row.unit} | {row.n} |"
            )
    parts.append("\n## Definitions\n")
    for name in dict.fromkeys(summary.metric):
        column = describe(name)
        unit = f" ({column.unit})" if column.unit else ""
        parts.append(f"- **{name}**{unit}: {_sentence(column.meaning)}")
    parts.append(
        "\nEvery column of `metrics.csv` and `metrics_by_replication.csv` is described in "
        "`columns.csv`."
    )
    return "\n".join(parts) + "\n"


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."
