"""Every file the project writes goes through here, so a crash never leaves a half-written one.

A file is written under a hidden temporary name in its own folder (``.NAME.XXXX.tmp``) and renamed
onto its name when complete: a reader sees the old file or the new one, never a part. A folder of
files (a run, a comparison, a saved replication) is filled under a hidden name
(:func:`staged_folder`) and renamed into place when complete (:func:`publish_folder`).

While a process writes a temporary file or folder it holds an exclusive lock on it (``flock``,
released by the system when the process dies, even by SIGKILL). A temporary nobody holds was left
by a process that is gone: :mod:`model.leftovers` tidies those up, and never touches a locked one.

A write that fails (disk full, read-only or vanished folder) raises :class:`WriteError`, one line
naming the file, after removing its temporary: what was there before is kept.

Files are readable by everyone (``mkstemp`` would make them private): results are for sharing.
Figures are saved through :func:`model.figures.saving.save_figure`, which writes with
:func:`atomic_file`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

try:
    import fcntl
except ImportError:  # Windows: no flock, so no leftover can be proved abandoned
    fcntl = None

#: Suffix of every temporary file and folder: what a process killed mid-write leaves behind.
TEMPORARY_SUFFIX = ".tmp"
#: Marks the folder an existing folder is moved into while :func:`publish_folder` replaces it.
OLD_MARK = "-old-"
#: Whether this system has the locks that tell a live writer's temporaries from a dead one's.
CAN_LOCK = fcntl is not None


class WriteError(OSError):
    """A write failed (disk full, no permission, read-only folder); nothing half-written is left.

    Attributes:
        path: the file or folder that could not be written.
        reason: what the system said, e.g. ``No space left on device``.

    """

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"cannot write {path}: {reason}")

    @classmethod
    def from_error(cls, path: str | Path, error: OSError) -> WriteError:
        """The write error of ``path`` for a system error."""
        reason = error.strerror or " ".join(str(error).split()) or type(error).__name__
        return cls(path, reason)


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """Turn a system error of the block into a :class:`WriteError` naming ``path``."""
    try:
        yield
    except WriteError:
        raise
    except OSError as error:
        raise WriteError.from_error(path, error) from error


# ----------------------------------------------------------------------------- locks


def _open(path: Path) -> int:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if path.is_dir() else 0)
    return os.open(path, flags)


def _locked_if_still_there(handle: int, path: Path) -> bool:
    """Lock a temporary just made; whether it is still ours (a tidy-up may have removed it)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError:  # a file system without locks (some network ones): it stays unprovable
        return True
    try:
        return os.stat(path).st_ino == os.fstat(handle).st_ino
    except FileNotFoundError:
        return False


def _release(handle: int | None) -> None:
    if handle is not None:
        os.close(handle)  # closing releases the lock


def _new_temporary(parent: Path, prefix: str, suffix: str, folder: bool) -> tuple[Path, int | None]:
    """A new hidden file or folder in ``parent``, locked by this process (the handle holds it)."""
    for _ in range(100):
        if folder:
            path = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=parent))
            handle = _open(path) if CAN_LOCK else None
        else:
            handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=parent)
            path = Path(name)
        if handle is None or _locked_if_still_there(handle, path):
            if not CAN_LOCK and not folder:
                os.close(handle)  # nothing to hold without locks (and Windows cannot rename it)
                handle = None
            return path, handle
        os.close(handle)  # removed by a tidy-up between its creation and the lock: try again
    raise WriteError(parent, "could not create a temporary file or folder")


@contextmanager
def claimed(path: str | Path) -> Iterator[bool | None]:
    """Try to take the lock of a temporary without waiting, and hold it for the block.

    Yields:
        True if this process now holds it: no other process does, so the process that made it is
        gone; False if a live process holds it (or it vanished); None if the system has no locks,
        so nothing can be proved.

    """
    path = Path(path)
    if fcntl is None:
        yield None
        return
    try:
        handle = _open(path)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
        except OSError:  # a file system without locks
            yield None
        else:
            yield True
    finally:
        os.close(handle)


@contextmanager
def held(folder: str | Path) -> Iterator[Path]:
    """Make ``folder`` if missing and hold a shared lock on it for the block.

    Several processes can hold it at once (runs of the same scenario share their saved
    replications); :func:`claimed` fails while any of them does, so nothing tidies it away.
    """
    folder = Path(folder)
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield folder
        return
    handle = _open(folder)
    try:
        with contextlib.suppress(OSError):  # a file system without locks
            fcntl.flock(handle, fcntl.LOCK_SH)
        yield folder
    finally:
        os.close(handle)


def remove_folder(folder: str | Path) -> None:
    """Delete ``folder`` so that a process killed midway never leaves part of it under its name.

    It is first renamed, in one step, into a hidden temporary this process holds; deleting
    takes many steps, and a half-deleted folder under its own name would be read as whole.
    What a kill leaves is a temporary no live process holds, which :mod:`model.leftovers` removes.
    """
    folder = Path(folder)
    if not folder.exists():
        return
    with writing(folder):
        doomed, handle = _new_temporary(folder.parent, f".{folder.name}-", TEMPORARY_SUFFIX, True)
    try:
        with contextlib.suppress(FileNotFoundError):  # another process removed it meanwhile
            os.replace(folder, doomed / folder.name)
        shutil.rmtree(doomed, ignore_errors=True)
    finally:
        _release(handle)


# ----------------------------------------------------------------------------- files


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; it replaces ``path`` when the block ends without an error.

    If the block raises, the temporary file is removed and ``path`` is left as it was.

    Raises:
        WriteError: if the folder cannot be written or a write of the block fails (disk full).

    """
    path = Path(path)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _new_temporary(path.parent, f".{path.name}.", TEMPORARY_SUFFIX, False)
    try:
        yield temporary
        with writing(path):
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, WriteError):
            raise WriteError.from_error(path, error) from error
        raise
    finally:
        _release(handle)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write a UTF-8 text file atomically; return its path."""
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(path)


def write_table_atomic(
    table: pd.DataFrame,
    path: str | Path,
    metadata: Mapping[str, Mapping[str, str]] | None = None,
) -> Path:
    """Write a table without its index atomically, as Parquet or CSV by the file's suffix.

    Args:
        table: the table.
        path: ``.parquet`` or ``.csv`` file.
        metadata: key-value text per column name (e.g. ``{"hectares": {"unit": "ha"}}``),
            stored as Parquet field metadata (``pyarrow.parquet.read_schema(path).field(name)``);
            CSV has no place for it.

    Raises:
        ValueError: for a suffix other than ``.parquet`` or ``.csv``.

    """
    suffix = Path(path).suffix
    if suffix not in (".parquet", ".csv"):
        raise ValueError(f"{path}: write tables as .parquet or .csv, not {suffix or 'no suffix'}")
    with atomic_file(path) as temporary:
        if suffix == ".parquet":
            pq.write_table(_with_field_metadata(table, metadata or {}), temporary)
        else:
            table.to_csv(temporary, index=False)
    return Path(path)


def _with_field_metadata(table: pd.DataFrame, metadata: Mapping[str, Mapping[str, str]]):
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    fields = [
        field.with_metadata({**(field.metadata or {}), **_encoded(metadata[field.name])})
        if field.name in metadata
        else field
        for field in arrow.schema
    ]
    return arrow.cast(pa.schema(fields, metadata=arrow.schema.metadata))


def _encoded(items: Mapping[str, str]) -> dict[bytes, bytes]:
    return {str(k).encode(): str(v).encode() for k, v in items.items()}


# ----------------------------------------------------------------------------- folders


@contextmanager
def staged_folder(final: str | Path, prefix: str | None = None) -> Iterator[Path]:
    """A new hidden folder beside ``final`` to fill, then hand to :func:`publish_folder`.

    Whatever is left of it when the block ends (it raised, or returned before publishing) is
    removed; once published there is nothing left to remove. A failed write in it is reported
    under ``final``'s name (:class:`WriteError`).

    Args:
        final: the folder's name once complete.
        prefix: start of the hidden folder's name (default ``.NAME-``); it ends in ``.tmp``.

    """
    final = Path(final)
    with writing(final):
        final.parent.mkdir(parents=True, exist_ok=True)
        staging, handle = _new_temporary(
            final.parent, prefix or f".{final.name}-", TEMPORARY_SUFFIX, True
        )
    try:
        yield staging
    except WriteError as error:
        if not error.path.is_relative_to(staging):
            raise
        raise WriteError(final / error.path.relative_to(staging), error.reason) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _release(handle)


def publish_folder(staging: Path, final: str | Path, replace: bool = False) -> Path:
    """Rename a complete staged folder to ``final`` (readable by everyone); return ``final``.

    Args:
        staging: the folder of :func:`staged_folder`, complete.
        final: its name.
        replace: delete an existing ``final`` first (a copy of the same content); otherwise an
            existing ``final`` is an error.

    Raises:
        FileExistsError: if ``final`` exists and ``replace`` is false.
        WriteError: if the folder cannot be renamed; an existing ``final`` is kept.

    """
    final = Path(final)
    with writing(final):
        os.chmod(staging, 0o755)
    old, handle = None, None
    if replace and final.exists():
        # Out of the way in one rename, so that a crash never leaves a half-deleted ``final``;
        # a process killed before the new copy is in place leaves the old one in ``old`` (locked
        # until then), and model.leftovers puts it back.
        with writing(final):
            old, handle = _new_temporary(final.parent, f".{final.name}{OLD_MARK}", "", True)
    elif final.exists():
        raise FileExistsError(f"{final} already exists")
    try:
        if old is not None:
            os.replace(final, old / final.name)
        os.rename(staging, final)
    except BaseException as error:
        if old is not None and (old / final.name).exists() and not final.exists():
            os.replace(old / final.name, final)  # put the earlier copy back
        if isinstance(error, OSError):
            if final.exists() and old is None:  # another process took the name meanwhile
                raise FileExistsError(f"{final} already exists") from error
            raise WriteError.from_error(final, error) from error
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        _release(handle)
    return final
