"""The one function that writes figures to files."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from model.files import atomic_file

FORMATS = ("png", "svg")


def save_figure(fig: Figure, folder: str | Path, stem: str, dpi: float = 100) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` into ``folder`` atomically; return both paths.

    Figures built with ``matplotlib.figure.Figure`` need no backend and no closing; one made with
    pyplot is closed here, so that pyplot does not keep it (nor show it again in a notebook).

    Args:
        fig: the figure.
        folder: where to write (made if missing).
        stem: file name without suffix.
        dpi: resolution of the PNG, dots per inch.

    """
    paths = []
    for suffix in FORMATS:
        path = Path(folder) / f"{stem}.{suffix}"
        with atomic_file(path) as temporary:
            fig.savefig(temporary, format=suffix, dpi=dpi)
        paths.append(path)
    if fig.canvas.manager is not None:  # only pyplot gives a figure a manager
        from matplotlib import pyplot

        pyplot.close(fig)
    return paths
