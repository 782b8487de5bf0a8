"""What killed ``balloon`` commands leave behind in a results folder, and tidying it up.

A process killed while writing (power cut, ``kill -9``, a lost cluster) can leave hidden entries:
temporary files and staging folders (``.NAME.XXXX.tmp``, ``.incomplete-*.tmp``), a folder being
replaced (``.NAME-old-XXXX``, holding the previous copy) and a run's finished replications
(``.partial-*``, kept for ``--resume``). None of them is ever read as a result.

A writer holds a lock on each of its temporaries for as long as it lives (:mod:`model.files`), so a
temporary whose lock is free belongs to a process that is gone: :func:`tidy` removes it (and puts
the previous copy of a half-replaced folder back). One a live process holds is left alone.
Replications kept for ``--resume`` are named, not deleted. On a system without file locks nothing
can be proved abandoned, so everything is named instead.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from model.files import OLD_MARK, TEMPORARY_SUFFIX, claimed

PARTIAL_PREFIX = ".partial-"
INCOMPLETE_PREFIX = ".incomplete-"
#: ``.NAME-old-XXXXXXXX``: ``NAME`` moved aside while a new copy replaces it.
OLD_FOLDER = re.compile(rf"^\.(?P<name>.+){re.escape(OLD_MARK)}[a-z0-9_]{{8}}$")
#: ``.NAME.XXXXXXXX.tmp`` (a file) or ``.NAME-XXXXXXXX.tmp`` (a folder): the random part is
#: Python's ``tempfile``'s, so other programs' hidden ``.tmp`` files are not taken for ours.
TEMPORARY = re.compile(rf"^\..+[.-][a-z0-9_]{{8}}{re.escape(TEMPORARY_SUFFIX)}$")


def is_leftover(path: str | Path) -> bool:
    """Whether a name is one a killed writer leaves: never a result, whatever it holds."""
    name = Path(path).name
    return (
        name.startswith((PARTIAL_PREFIX, INCOMPLETE_PREFIX))
        or TEMPORARY.match(name) is not None
        or OLD_FOLDER.match(name) is not None
    )


@dataclass
class Tidied:
    """What :func:`tidy` found: what it removed or restored, and lines naming what it kept."""

    removed: list[Path] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self, root: str | Path) -> list[str]:
        """One line per thing a user should know, for the command's messages."""
        lines = []
        if self.removed:
            lines.append(
                f"note: removed {len(self.removed)} unfinished file(s) or folder(s) left by "
                f"killed balloon commands under {root} (e.g. {self.removed[0]})"
            )
        lines += [
            f"note: put back {path}: a killed balloon command was replacing it"
            for path in self.restored
        ]
        return lines + self.notes


def tidy(root: str | Path, depth: int = 4, keep: tuple[Path, ...] = ()) -> Tidied:
    """Remove what killed writers left under ``root``; name what must stay.

    Args:
        root: a results root, a run, sweep or comparison folder.
        depth: how many folder levels below ``root`` to look into.
        keep: leftovers not to mention (e.g. the replications the calling run will resume).

    Returns:
        What was removed, restored and kept (see :class:`Tidied`).

    """
    found = Tidied()
    unsure: list[Path] = []
    for path in _leftovers(Path(root), depth):
        if path in keep:
            continue
        with claimed(path) as free:
            if free is None:
                unsure.append(path)
            elif free:
                _settle(path, found)
    if unsure:
        found.notes.append(
            f"note: {len(unsure)} unfinished file(s) or folder(s) of balloon commands under "
            f"{root} (e.g. {unsure[0]}); this system cannot tell whether they are still being "
            "written: delete them when no balloon command is running"
        )
    return found


def _leftovers(root: Path, depth: int):
    """Leftover entries under ``root``, not looking inside them (nor into links)."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if is_leftover(entry.name):
            yield Path(entry.path)
        elif depth > 0 and not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
            yield from _leftovers(Path(entry.path), depth - 1)


def _settle(path: Path, found: Tidied) -> None:
    """Tidy one leftover whose lock this process holds (its writer is gone)."""
    old = OLD_FOLDER.match(path.name)
    if old and path.is_dir():
        earlier, target = path / old.group("name"), path.parent / old.group("name")
        if earlier.exists() and not target.exists():
            os.replace(earlier, target)
            found.restored.append(target)
        _remove(path, found)
    elif path.name.startswith(PARTIAL_PREFIX) and path.is_dir():
        saved = [p for p in path.iterdir() if not p.name.startswith(".")]
        if not saved:
            _remove(path, found)
            return
        found.notes.append(
            f"note: {path} holds {len(saved)} finished replication(s) of an interrupted run: "
            "repeat that balloon run command with --resume to use them, or delete the folder"
        )
    else:
        _remove(path, found)


def _remove(path: Path, found: Tidied) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError as error:
        found.notes.append(f"note: could not remove {path}, left by a killed balloon command "
                           f"({error.strerror or error}): delete it yourself")  # fmt: skip
    else:
        found.removed.append(path)
