"""Every file the project writes goes through here, so a crash never leaves a half-written one.

A file is written under a hidden temporary name in its own folder (``.NAME.XXXX.tmp``) and renamed
onto its name when complete: a reader sees the old file or the new one, never a part. A folder of
files (a run, a comparison, a saved replication) is filled under a hidden name
(:func:`staged_folder`) and renamed into place when complete (:func:`publish_folder`).

Files are readable by everyone (``mkstemp`` would make them private): results are for sharing.
Figures are saved through :func:`model.figures.saving.save_figure`, which writes with
:func:`atomic_file`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: Suffix of every temporary file and folder: what a process killed mid-write leaves behind.
TEMPORARY_SUFFIX = ".tmp"


@contextmanager
def atomic_file(path: str | Path) -> Iterator[Path]:
    """A temporary path to write; it replaces ``path`` when the block ends without an error.

    If the block raises, the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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


@contextmanager
def staged_folder(final: str | Path, prefix: str | None = None) -> Iterator[Path]:
    """A new hidden folder beside ``final`` to fill, then hand to :func:`publish_folder`.

    Whatever is left of it when the block ends (it raised, or returned before publishing) is
    removed; once published there is nothing left to remove.

    Args:
        final: the folder's name once complete.
        prefix: start of the hidden folder's name (default ``.NAME-``); it ends in ``.tmp``.

    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(
            prefix=prefix or f".{final.name}-", suffix=TEMPORARY_SUFFIX, dir=final.parent
        )
    )
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish_folder(staging: Path, final: str | Path, replace: bool = False) -> Path:
    """Rename a complete staged folder to ``final`` (readable by everyone); return ``final``.

    Args:
        staging: the folder of :func:`staged_folder`, complete.
        final: its name.
        replace: delete an existing ``final`` first (a copy of the same content); otherwise an
            existing ``final`` is an error.

    Raises:
        FileExistsError: if ``final`` exists and ``replace`` is false.

    """
    final = Path(final)
    os.chmod(staging, 0o755)
    old = None
    if replace and final.exists():
        # Out of the way in one rename, so that a crash never leaves a half-deleted ``final``.
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}-old-", dir=final.parent))
        os.replace(final, old / final.name)
    elif final.exists():
        raise FileExistsError(f"{final} already exists")
    try:
        os.rename(staging, final)
    except OSError as error:
        if old is not None:  # put the earlier copy back
            os.replace(old / final.name, final)
        if final.exists() and old is None:  # another process took the name meanwhile
            raise FileExistsError(f"{final} already exists") from error
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return final
