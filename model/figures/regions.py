"""Region by region: coca per region and year, and a schematic map of where coca moved.

Each function returns a matplotlib ``Figure``; :func:`model.figures.saving.save_figure` writes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Polygon

from model.experiments.observed_regions import country_outlines
from model.figures.style import countries_in, country_colour, country_label, thousands, words
from model.sim.world import great_circle_km


def _region_order(regions: pd.DataFrame) -> list[str]:
    first = regions.drop_duplicates("region")
    rank = {c: k for k, c in enumerate(countries_in(regions))}
    first = first.assign(rank=first.country.map(rank))
    return first.sort_values(["rank", "region"]).region.tolist()


def region_heatmap(
    regions: pd.DataFrame,
    counterfactual: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """(c) Region by year heatmap of coca (yearly mean), or of its change against a counterfactual.

    Args:
        regions: a regions table (one or more replications; their mean is shown).
        counterfactual: a regions table on the same seeds; if given, the map shows the difference.
        labels: readable region names.
        title: the figure title.

    """
    order = _region_order(regions)
    labels = labels or {}

    def yearly(table: pd.DataFrame) -> pd.DataFrame:
        year = table.date.dt.year.rename("year")
        return table.groupby([table.region, year])["hectares"].mean().unstack("year").loc[order]

    values = yearly(regions)
    if counterfactual is not None:
        values = values - yearly(counterfactual)
        limit = max(float(np.nanmax(np.abs(values.to_numpy()))), 1.0)
        norm, cmap = TwoSlopeNorm(0.0, -limit, limit), "RdBu_r"
        bar_label = "change against the counterfactual,\nhectares (yearly mean; red = more coca)"
        title = title or "Where coca rose and fell against the counterfactual"
    else:
        norm, cmap = None, "YlOrBr"
        bar_label = "coca, hectares (yearly mean)"
        title = title or "Coca by region and year"
    fig = Figure(figsize=(10, 0.32 * len(order) + 1.8), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values.to_numpy(), aspect="auto", cmap=cmap, norm=norm, interpolation="none")
    years = values.columns.to_numpy()
    step = max(1, math.ceil(len(years) / 12))
    ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]])
    country_of = regions.drop_duplicates("region").set_index("region").country
    ax.set_yticks(range(len(order)), [labels.get(r, words(r)) for r in order])
    for tick, region in zip(ax.get_yticklabels(), order, strict=True):
        tick.set_color(country_colour(country_of[region]))
    previous = None
    for k, region in enumerate(order):
        if previous is not None and country_of[region] != previous:
            ax.axhline(k - 0.5, color="black", lw=0.8)
        previous = country_of[region]
    ax.set_xlabel("year")
    ax.set_ylabel("region (label colour = country)")
    ax.set_title(title)
    bar = fig.colorbar(image, ax=ax, format=thousands)
    bar.set_label(bar_label)
    handles = [
        Patch(color=country_colour(c), label=country_label(c)) for c in countries_in(regions)
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.09), ncols=len(handles),
              frameon=False)  # fmt: skip
    return fig


def region_coordinates(scenario) -> pd.DataFrame:
    """Region, country, label, lon and lat of a scenario's regions."""
    return pd.DataFrame(
        [
            {
                "region": r.name,
                "country": r.country,
                "label": r.label or words(r.name),
                "lon": r.lon,
                "lat": r.lat,
            }
            for r in scenario.resolved_regions()
        ]  # fmt: skip
    )


#: Where a label may sit around its circle: every 30 degrees, at growing distances (pixels).
_LABEL_ANGLES = np.radians(np.arange(0, 360, 30))
_LABEL_STEPS = 12
_LABEL_STEP_PX = 9.0


def _disc_hits_box(centre, radius: float, box) -> bool:
    """Whether a disc and a (x0, y0, x1, y1) box overlap."""
    x = min(max(centre[0], box[0]), box[2])
    y = min(max(centre[1], box[1]), box[3])
    return (x - centre[0]) ** 2 + (y - centre[1]) ** 2 < radius**2


def _boxes_overlap(a, b, margin: float = 0.0) -> bool:
    return not (a[2] + margin <= b[0] or b[2] + margin <= a[0] or a[3] + margin <= b[1]
                or b[3] + margin <= a[1])  # fmt: skip


def _label_regions(ax, table: pd.DataFrame, radius_pt: pd.Series, points=()) -> None:
    """Label each region beside its circle, where the label covers no circle and no other label.

    The figure is laid out first, so that circle sizes and distances on the page are final. Each
    label then takes, most crowded region first, the nearest place around its circle (every 30
    degrees, further out step by step) that stays on the map and covers no circle (its whole disc,
    not only its centre), no label placed before, no arrow (``points``, lon and lat along them)
    and no text already on the map; were there none within reach, the place that covers least. A
    label away from its circle gets a grey leader line. The search is deterministic: the same map
    on every machine.
    """
    fig = ax.get_figure()
    fig.draw_without_rendering()
    px_per_pt = fig.dpi / 72.0
    centres = ax.transData.transform(table[["lon", "lat"]].to_numpy())
    radii = radius_pt.loc[table.index].to_numpy() * px_per_pt
    frame = ax.get_window_extent()
    frame = (frame.x0 + 2, frame.y0 + 2, frame.x1 - 2, frame.y1 - 2)
    marks = ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    fixed = [tuple(t.get_window_extent().extents) for t in ax.texts if t.get_text()]
    style = {"fontsize": 7, "color": "#222222", "zorder": 6, "ha": "center", "va": "center",
             "path_effects": [patheffects.withStroke(linewidth=2.5, foreground="white")]}  # fmt: skip
    texts = [
        f"{row.label}\n{row.after:,.0f} ha ({row.after - row.before:+,.0f})"
        for row in table.itertuples()
    ]
    sizes = []
    for text in texts:  # width and height of each label on the page
        probe = ax.text(0, 0, text, **style)
        box = probe.get_window_extent()
        sizes.append((box.width + 2, box.height + 2))
        probe.remove()
    # Most crowded first: the regions with most circle area close by choose before the others.
    near = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    crowd = ((near < 90) * radii[None, :]).sum(axis=1)
    placed: list[tuple] = []
    for k in np.argsort(-crowd, kind="stable"):
        (cx, cy), r, (w, h) = centres[k], radii[k], sizes[k]
        best, best_cost = None, math.inf
        for step in range(_LABEL_STEPS):
            distance = r + 3 + step * _LABEL_STEP_PX
            for angle in _LABEL_ANGLES:
                dx, dy = math.cos(angle), math.sin(angle)
                # The box's side (or corner) nearest the circle sits at ``distance``.
                x = cx + distance * dx + w / 2 * dx / max(abs(dx), abs(dy))
                y = cy + distance * dy + h / 2 * dy / max(abs(dx), abs(dy))
                box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                outside = (
                    box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]
                )
                cost = step + 0.1 * (abs(dy) > 0.9) + 1000 * outside  # near, beside, on the map
                cost += 100 * sum(_boxes_overlap(box, other, 2) for other in placed)
                cost += 30 * sum(
                    _disc_hits_box(c, q + 1, box) for c, q in zip(centres, radii, strict=True)
                )
                cost += 20 * sum(_disc_hits_box(m, 8, box) for m in marks)
                cost += 10 * sum(_boxes_overlap(box, other) for other in fixed)
                if cost < best_cost:
                    best, best_cost = (box, distance), cost
            if best_cost < step + 1:  # nothing covered: no further place can be nearer
                break
        box, distance = best
        placed.append(box)
        offset = ((box[0] + box[2]) / 2 - cx) / px_per_pt, ((box[1] + box[3]) / 2 - cy) / px_per_pt
        leader = None
        if distance > r + 3 + _LABEL_STEP_PX:
            leader = {"arrowstyle": "-", "color": "#888888", "lw": 0.6, "shrinkA": 1,
                      "shrinkB": radius_pt.loc[table.index[k]]}  # fmt: skip
        ax.annotate(texts[k], (table.lon.iloc[k], table.lat.iloc[k]), xytext=offset,
                    textcoords="offset points", arrowprops=leader, **style)  # fmt: skip


#: Shortest arrow on the map, km: shorter moves are drawn this long in their direction (the legend
#: says so and gives every move's true distance).
SHIFT_KM_MIN = 150.0


class ShiftArrow:
    """Legend entry of the map's arrows: a dot (the first date's centre) and an arrow from it."""


class _ShiftArrowHandler(HandlerBase):
    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height, fontsize,
                       trans):  # fmt: skip
        y = height / 2 - ydescent
        start, end = (-xdescent + 3, y), (-xdescent + width, y)
        dot = Line2D([start[0]], [start[1]], marker="o", ms=5, color="black", mec="white",
                     mew=1.0, transform=trans)  # fmt: skip
        arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, lw=2.0,
                                color="black", shrinkA=0, shrinkB=0, transform=trans)  # fmt: skip
        return [arrow, dot]


def outer_rings(geometry: dict) -> list[np.ndarray]:
    """The outer ring (lon, lat rows) of each polygon of a GeoJSON Polygon or MultiPolygon."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [np.asarray(polygon[0], dtype=float) for polygon in polygons]


def draw_country_borders(ax, countries: list[str]) -> None:
    """Country borders (Natural Earth, ``model/data``) under the data, as plain patches.

    The model's countries are tinted in their colour; their neighbours are outlined and named.
    """
    for feature in country_outlines()["features"]:
        name = feature["properties"]["name"].lower()
        ours = name in countries
        rings = outer_rings(feature["geometry"])
        for ring in rings:
            ax.add_patch(Polygon(ring, closed=True, zorder=0.5, edgecolor="none",
                                 facecolor=country_colour(name) if ours else "#f4f4f4",
                                 alpha=0.10 if ours else 1.0))  # fmt: skip
            ax.add_patch(Polygon(ring, closed=True, zorder=0.6, facecolor="none",
                                 edgecolor="#8a8a8a", linewidth=0.8))  # fmt: skip
        if not ours:
            lon, lat = max(rings, key=len).mean(axis=0)
            ax.text(lon, lat, country_label(name), fontsize=8, color="#9a9a9a", ha="center",
                    va="center", zorder=0.7, clip_on=True)  # fmt: skip


def _draw_shift(ax, rows: pd.DataFrame, colour: str) -> tuple[float, list] | None:
    """A country's shift of coca: a dot at its first centre and an arrow towards the second.

    The arrow is at least :data:`SHIFT_KM_MIN` long: a move of a few dozen km is a few pixels,
    which drew a bare arrowhead. Returns the true distance, km, and points along the arrow (lon,
    lat) for labels to avoid; None if the centre did not move.
    """
    centres = []
    for column in ("before", "after"):
        weight = rows[column].sum()
        if weight <= 0:
            return None
        centres.append(np.array([(rows.lon * rows[column]).sum(), (rows.lat * rows[column]).sum()])
                       / weight)  # fmt: skip
    start, end = centres
    if np.hypot(*(end - start)) <= 0.05:
        return None
    km = great_circle_km(*start, *end)
    tip = start + (end - start) * max(1.0, SHIFT_KM_MIN / km)
    halo = [patheffects.withStroke(linewidth=4.0, foreground="white")]
    ax.annotate("", xy=tip, xytext=start, zorder=4,
                arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.0, "mutation_scale": 12,
                            "shrinkA": 0, "shrinkB": 0, "path_effects": halo})  # fmt: skip
    ax.plot(*start, marker="o", ms=6, color=colour, mec="white", mew=1.2, zorder=5)
    return km, [tuple(start + (tip - start) * t) for t in np.linspace(0, 1, 8)]


def _map_legends(fig, table: pd.DataFrame, shifts: dict, dates: tuple, scale: float, mean: str):
    """The map's legends, beside it: countries, arrows, circles and labels; then the size key."""
    first, second = dates
    handles: list = [Patch(color=country_colour(c)) for c in countries_in(table)]
    labels = [
        country_label(c) + (f" (centre moved {shifts[c]:,.0f} km)" if c in shifts else "")
        for c in countries_in(table)
    ]
    if shifts:
        handles.append(ShiftArrow())
        labels.append(f"centre of coca in the country:\nfrom the dot ({first:%Y-%m})\ntowards "
                      f"{second:%Y-%m}; moves under\n{SHIFT_KM_MIN:,.0f} km drawn {SHIFT_KM_MIN:,.0f} km long\n"
                      "(true distance: above)")  # fmt: skip
    handles.append(Line2D([], [], marker="o", ls="none", mfc="none", mec="grey", ms=12))
    labels.append(f"dashed outline: {first:%Y-%m}\nfilled: {second:%Y-%m}")
    handles.append(Line2D([], [], ls="none"))
    labels.append(f"label: ha at {second:%Y-%m}\n(change since {first:%Y-%m})")
    fig.legend(handles, labels, loc="outside right upper", title=f"coca, {mean}", fontsize=8,
               title_fontsize=8.5, frameon=False, alignment="left", labelspacing=0.9,
               handler_map={ShiftArrow: _ShiftArrowHandler()})  # fmt: skip
    # The size key on its own, each circle in a row tall enough for the largest: none overlap.
    biggest = 1400.0 / scale
    sizes = [s for s in (5_000, 20_000, 50_000) if s <= biggest * 1.2] or [round(biggest)]
    diameters = [math.sqrt(s * scale) for s in sizes]  # points
    room = (max(diameters) + 6) / 8  # in font sizes (8 pt)
    fig.legend(
        [Line2D([], [], marker="o", ls="none", color="grey", alpha=0.55, ms=d) for d in diameters],
        [f"{s:,} ha" for s in sizes],
        loc="outside right lower",
        title=f"circle area: coca, ha\n({mean})",
        fontsize=8,
        title_fontsize=8.5,
        frameon=False,
        alignment="left",
        handleheight=room,
        handlelength=room,
        labelspacing=0.3,
    )


def shift_map(
    regions: pd.DataFrame,
    coordinates: pd.DataFrame,
    dates: tuple,
    title: str | None = None,
) -> Figure:
    """(g) Schematic map: coca per region at two dates, and each country's shift between them.

    Circle areas are proportional to hectares (mean over replications, as the legends say): an
    outline at the first date, a filled disc at the second, over the countries' borders. An arrow
    per country runs from its hectare-weighted centre of coca at the first date towards the second
    (at least :data:`SHIFT_KM_MIN` long; the legend gives the true distance). Labels cover no other
    label and no circle; the legends sit beside the map, not on it.

    Args:
        regions: a regions table.
        coordinates: :func:`region_coordinates` of the scenario.
        dates: the two months to compare.
        title: the figure title.

    """
    first, second = (pd.Timestamp(d) for d in dates)
    at = regions.groupby(["date", "region"])["hectares"].mean()
    for when in (first, second):
        if when not in at.index.get_level_values("date"):
            raise ValueError(f"no month {when:%Y-%m} in the regions table")
    table = (
        coordinates.set_index("region")
        .assign(before=at.xs(first, level="date"), after=at.xs(second, level="date"))
        .fillna({"before": 0.0, "after": 0.0})
    )
    biggest = max(table[["before", "after"]].to_numpy().max(), 1.0)
    scale = 1400.0 / biggest  # marker area in points^2 per hectare
    runs = regions["replication"].nunique() if "replication" in regions else 1
    mean = f"mean over {runs} runs" if runs > 1 else "one run"

    fig = Figure(figsize=(10, 9), layout="constrained")
    ax = fig.add_subplot()
    draw_country_borders(ax, list(table.country.unique()))
    shifts: dict[str, float] = {}
    ends = []
    for country, rows in table.groupby("country"):
        colour = country_colour(country)
        ax.scatter(rows.lon, rows.lat, s=rows.before * scale, facecolors="none",
                   edgecolors=colour, linewidths=1.3, linestyles="--", zorder=3)  # fmt: skip
        ax.scatter(rows.lon, rows.lat, s=rows.after * scale, color=colour, alpha=0.55,
                   edgecolors="none", zorder=2)  # fmt: skip
        moved = _draw_shift(ax, rows, colour)
        if moved is not None:
            shifts[country], along = moved
            ends += along
    lat = table.lat.mean()
    ax.set_aspect(1.0 / max(math.cos(math.radians(lat)), 0.2))
    pad = 2.0
    ax.set_xlim(table.lon.min() - pad - 1.0, table.lon.max() + pad + 1.0)
    ax.set_ylim(table.lat.min() - pad, table.lat.max() + pad)
    ax.set_xlabel("longitude, degrees")
    ax.set_ylabel("latitude, degrees")
    ax.grid(color="#eeeeee", zorder=0)
    ax.set_title(title or f"Where coca grows: {first:%Y-%m} (dashed outline) and {second:%Y-%m} (filled)",
                 wrap=True)  # fmt: skip
    ax.text(0.01, 0.01, "circles at region centres; borders: Natural Earth 1:110m",
            transform=ax.transAxes, fontsize=7, color="#666666")  # fmt: skip

    _map_legends(fig, table, shifts, (first, second), scale, mean)
    # Last: labels go around everything already drawn, on the final layout.
    radius = np.sqrt(table[["before", "after"]].max(axis=1) * scale) / 2  # points
    _label_regions(ax, table, radius, ends)
    return fig
