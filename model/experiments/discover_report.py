"""What a discovery writes: the points table, ``boxes.csv``, two figures and ``summary.md``.

The summary states each box in words a policy analyst reads without the method ("when
households.migration_rate is below 0.012 and ... plan_colombia increases total coca in 83% of
cases"), with its coverage and density, and says how to read them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from model.columns import describe
from model.experiments.discover import BACKFIRES, Discovery, holding_share
from model.experiments.prim_boxes import Box
from model.figures.discovery import prim_boxes, prim_tradeoff
from model.figures.saving import FORMATS, save_figure
from model.files import write_table_atomic, write_text_atomic
from model.scenario.schema_docs import key_meaning

POINTS_FILE = "points.parquet"
BOXES_FILE = "boxes.csv"
SUMMARY_FILE = "summary.md"
TRADEOFF_FIGURE = "prim_tradeoff"
BOXES_FIGURE = "prim_boxes"
DPI = 120


def number(value: float) -> str:
    """A parameter value for a sentence: three significant digits, thousands separated."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def outcome_words(discovery: Discovery) -> str:
    """What happens at a point of interest, as the predicate of a sentence."""
    if discovery.condition.text == BACKFIRES:
        return (
            f"{discovery.policy} increases total coca (net reduction below zero, against "
            f"{discovery.counterfactual})"
        )
    return f"the condition ({discovery.condition.words()}) holds"


def holds_label(discovery: Discovery) -> str:
    """A legend's words for a point where the condition holds."""
    if discovery.condition.text == BACKFIRES:
        return f"more coca in total with\n{discovery.policy}\n({discovery.condition.words()})"
    return discovery.condition.words()


def limit_words(row) -> str:
    """``path is below 0.3``, ``... above``, or ``... between 0.1 and 0.3``."""
    narrowed_low, narrowed_high = row.low > row.range_low, row.high < row.range_high
    if narrowed_low and narrowed_high:
        return f"{row.parameter} is between {number(row.low)} and {number(row.high)}"
    if narrowed_low:
        return f"{row.parameter} is above {number(row.low)}"
    return f"{row.parameter} is below {number(row.high)}"


def box_sentence(box: Box, discovery: Discovery) -> str:
    """The box in one sentence, with its density and coverage."""
    conditions = " and ".join(limit_words(row) for row in box.restricted.itertuples())
    total = discovery.holds
    inside = round(box.coverage * total)
    return (
        f"When {conditions}, {outcome_words(discovery)} in {box.density:.0%} of cases "
        f"({box.of_interest} of the {box.points} sampled points in the box). The box holds "
        f"{box.coverage:.0%} of all points where it happens ({inside} of {total}: its coverage) "
        f"and {box.mass:.0%} of all points sampled."
    )


def boxes_table(boxes: list[Box]) -> pd.DataFrame:
    """One row per box and parameter: limits, sampled range, quasi-p-values and the box's stats."""
    columns = [
        "box", "parameter", "restricted", "low", "high", "range_low", "range_high", "qp_low",
        "qp_high", "coverage", "density", "mass", "points", "of_interest",
    ]  # fmt: skip
    rows = [
        box.limits.assign(
            box=box.number, coverage=box.coverage, density=box.density, mass=box.mass,
            points=box.points, of_interest=box.of_interest,
        )
        for box in boxes
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]


def _parameters_table(discovery: Discovery) -> list[str]:
    lines = ["| parameter | sampled range | meaning |", "| --- | --- | --- |"]
    for p in discovery.parameters:
        meaning = key_meaning(p.path) or "(see docs/scenario-schema.md)"
        lines.append(f"| `{p.path}` | {number(p.low)} to {number(p.high)} | {meaning} |")
    return lines


def _box_section(box: Box, discovery: Discovery) -> list[str]:
    lines = [f"### Box {box.number}", "", box_sentence(box, discovery), ""]
    lines += [
        "| parameter | box | sampled range | quasi-p (low, high) |",
        "| --- | --- | --- | --- |",
    ]
    for row in box.restricted.itertuples():
        qp = ", ".join("-" if pd.isna(v) else f"{v:.2g}" for v in (row.qp_low, row.qp_high))
        lines.append(
            f"| `{row.parameter}` | {number(row.low)} to {number(row.high)} | "
            f"{number(row.range_low)} to {number(row.range_high)} | {qp} |"
        )
    free = [f"`{p}`" for p in box.limits.parameter[~box.limits.restricted]]
    if free:
        lines += ["", f"Any value of {', '.join(free)}."]
    return lines + [""]


def _why_no_box(discovery: Discovery) -> str:
    if not discovery.holds:
        return "It never holds among the points sampled."
    if discovery.holds == len(discovery.points):
        return "It holds at every point sampled: in the whole space of the sampled ranges."
    return "Where it holds, it is scattered: no range of the parameters explains it."


def summary_markdown(discovery: Discovery) -> str:
    """The discovery in words: the question, the design, each box, and how to read them."""
    points, condition = discovery.points, discovery.condition
    metrics = ", ".join(f"`{m}` ({describe(m).label})" for m in condition.metrics)
    window = (
        f"months {discovery.window}"
        if discovery.window
        else "the policy's months of extra pressure"
    )
    lines = [
        f"# Where does {discovery.policy} backfire against {discovery.counterfactual}?",
        "",
        f"Condition looked for: `{condition}` ({metrics}).",
        "",
        f"Design: {len(points)} points of a Latin hypercube, {discovery.replications} paired "
        f"replication(s) each (policy and counterfactual on the same seeds; metrics are the mean "
        f"over a point's replications); target {discovery.target}; measured over {window}.",
        "",
        *_parameters_table(discovery),
        "",
        f"The condition holds at {discovery.holds} of {len(points)} points "
        f"({holding_share(points):.0%}).",
    ]
    if discovery.undefined:
        lines[-1] += (
            f" At {discovery.undefined} point(s) a metric of the condition is undefined (e.g. a "
            "ratio with no coca removed from the target); the condition counts as false there."
        )
    lines += ["", "## Boxes", ""]
    if not discovery.boxes:
        lines.append(
            "PRIM found no box of parameter space where the condition holds in at least "
            f"{discovery.min_density:.0%} of cases. " + _why_no_box(discovery)
        )
        lines.append("")
    for box in discovery.boxes:
        lines += _box_section(box, discovery)
    lines += [
        "## How to read this",
        "",
        "- **Density**: of the sampled points inside a box, the share where the condition holds.",
        "- **Coverage**: of all sampled points where the condition holds, the share inside the "
        "box.",
        "- Box 2 and later are found among the points outside the earlier boxes.",
        "- **Quasi-p-value** of a limit: the chance that a limit this good would arise without a "
        "real effect (one-sided binomial test, Bryant and Lempert 2010); large values (above "
        "0.05) mark limits that may be a fluke of the sample.",
        "- Boxes describe the model under the sampled ranges, not the world: a wider range or "
        "another parameter can change them. Figures: `prim_tradeoff.png` (the coverage-density "
        "trade-off along PRIM's peeling) and `prim_boxes.png` (the points and the boxes per "
        "parameter).",
    ]
    return "\n".join(lines) + "\n"


def write_discovery(discovery: Discovery, folder: str | Path) -> list[Path]:
    """Write the points (Parquet, CSV), ``boxes.csv``, the figures and ``summary.md``.

    Each file is written atomically. With no box there is no trade-off figure; one left from an
    earlier analysis of the same runs is removed, so the folder never mixes two questions.
    """
    folder = Path(folder)
    written = [
        write_table_atomic(discovery.points, folder / POINTS_FILE),
        write_table_atomic(discovery.points, folder / "points.csv"),
        write_table_atomic(boxes_table(discovery.boxes), folder / BOXES_FILE),
    ]
    pair = f"{discovery.policy} against {discovery.counterfactual}"
    holds = holds_label(discovery)
    if discovery.boxes:
        figure = prim_tradeoff(
            discovery.boxes, holding_share(discovery.points), discovery.min_density,
            f"PRIM's trade-off between coverage and density\n{pair}: where "
            f"{discovery.condition.words()}",
        )  # fmt: skip
        written += save_figure(figure, folder, TRADEOFF_FIGURE, dpi=DPI)
    else:
        for suffix in FORMATS:
            (folder / f"{TRADEOFF_FIGURE}.{suffix}").unlink(missing_ok=True)
    figure = prim_boxes(
        discovery.points, [p.path for p in discovery.parameters], discovery.boxes,
        f"{pair}: where {discovery.condition.words()} "
        f"({discovery.holds} of {len(discovery.points)} points)",
        holds,
    )  # fmt: skip
    written += save_figure(figure, folder, BOXES_FIGURE, dpi=DPI)
    written.append(write_text_atomic(folder / SUMMARY_FILE, summary_markdown(discovery)))
    return written
