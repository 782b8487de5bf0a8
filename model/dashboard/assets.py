"""Let the dashboard's charts load Vega without a network.

Solara's browser widgets ask its asset proxy for ``vega@5``, ``vega-lite@5`` and ``vega-embed@6``;
the proxy serves files from its cache folder and otherwise downloads them from a public CDN. The
``solara-assets`` package fills that cache with exact versions (``vega@5.21.0`` ...), so a
machine without internet only lacks the short names. :func:`ensure_offline_assets` adds them as
links to the shipped versions: the same files the proxy would have cached after a download.
"""

from __future__ import annotations

import re
from pathlib import Path

ALIASES = ("vega@5", "vega-lite@5", "vega-embed@6")


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name.split("@", 1)[1]))


def ensure_offline_assets(cache_dir: Path | None = None) -> list[str]:
    """Link each missing short Vega name in Solara's asset cache to its newest shipped version.

    Args:
        cache_dir: the proxy cache; Solara's configured one if omitted.

    Returns:
        The names linked now (empty if all were there, or the cache cannot be written).

    """
    if cache_dir is None:
        from solara.server import settings

        cache_dir = settings.assets.proxy_cache_dir
    cache = Path(cache_dir)
    linked = []
    for alias in ALIASES:
        link = cache / alias
        if link.exists():
            continue
        shipped = sorted(cache.glob(f"{alias}.*"), key=_version)
        if not shipped:
            continue
        try:
            link.symlink_to(shipped[-1].name, target_is_directory=True)
        except OSError:  # read-only install or another process won the race: nothing to do
            continue
        linked.append(alias)
    return linked
