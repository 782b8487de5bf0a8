"""The one atomic writer: a file or folder is there whole, or as it was, never half-written."""

import stat

import pandas as pd
import pytest

from model.files import (
    atomic_file,
    publish_folder,
    staged_folder,
    write_table_atomic,
    write_text_atomic,
)


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_text_is_written_whole_readable_by_all_and_leaves_no_temporary(tmp_path):
    path = write_text_atomic(tmp_path / "sub" / "note.md", "café\n")
    assert path.read_text(encoding="utf-8") == "café\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert names(path.parent) == ["note.md"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_file(path) as temporary:
        temporary.write_text("half of the new")
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "old\n"
    assert names(tmp_path) == ["table.csv"]


def test_tables_are_written_by_suffix_without_their_index(tmp_path):
    table = pd.DataFrame({"country": ["peru", "bolivia"], "hectares": [1.5, 2.0]}, index=[7, 9])
    for name in ("t.parquet", "t.csv"):
        path = write_table_atomic(table, tmp_path / name)
        back = pd.read_parquet(path) if name.endswith("parquet") else pd.read_csv(path)
        pd.testing.assert_frame_equal(back, table.reset_index(drop=True))
    with pytest.raises(ValueError, match="t.xlsx"):
        write_table_atomic(table, tmp_path / "t.xlsx")
    assert names(tmp_path) == ["t.csv", "t.parquet"]


def test_a_staged_folder_appears_only_when_published(tmp_path):
    final = tmp_path / "run"
    with staged_folder(final) as staging:
        write_text_atomic(staging / "a.txt", "a")
        assert not final.exists() and staging.name.startswith(".run-")
        publish_folder(staging, final)
    assert names(final) == ["a.txt"]
    assert stat.S_IMODE(final.stat().st_mode) == 0o755
    assert names(tmp_path) == ["run"]


def test_a_folder_that_fails_while_staged_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), staged_folder(tmp_path / "run") as staging:
        write_text_atomic(staging / "a.txt", "a")
        raise RuntimeError("killed while writing")
    assert names(tmp_path) == []


def test_publishing_onto_an_existing_folder_is_refused_unless_replacing(tmp_path):
    final = tmp_path / "run"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with pytest.raises(FileExistsError), staged_folder(final) as staging:
        write_text_atomic(staging / "new.txt", "new")
        publish_folder(staging, final)
    assert names(final) == ["old.txt"] and names(tmp_path) == ["run"]
    with staged_folder(final) as staging:
        write_text_atomic(staging / "new.txt", "new")
        publish_folder(staging, final, replace=True)
    assert names(final) == ["new.txt"] and names(tmp_path) == ["run"]


def test_replacing_a_folder_never_leaves_it_half_deleted(tmp_path, monkeypatch):
    final = tmp_path / "rep"
    final.mkdir()
    for name in ("a.txt", "b.txt"):
        (final / name).write_text("old")
    with staged_folder(final) as staging:
        (staging / "a.txt").write_text("new")

        def broken_rename(source, target):
            raise OSError("disk gone")

        monkeypatch.setattr("model.files.os.rename", broken_rename)
        with pytest.raises(OSError, match="disk gone"):
            publish_folder(staging, final, replace=True)
    assert sorted(p.name for p in final.iterdir()) == ["a.txt", "b.txt"]
    assert (final / "a.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]  # nothing hidden left behind


def test_a_full_disk_is_one_write_error_naming_the_file_and_the_old_file_is_kept(
    tmp_path, monkeypatch
):
    import errno

    from model.files import WriteError

    path = tmp_path / "table.csv"
    path.write_text("old\n")

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(WriteError) as failure:
        write_table_atomic(pd.DataFrame({"a": [1]}), path)
    assert str(failure.value) == f"cannot write {path}: No space left on device"
    assert isinstance(failure.value, OSError) and path.read_text() == "old\n"
    assert names(tmp_path) == ["table.csv"]
    with (
        pytest.raises(WriteError, match=r"run/table.csv: No space"),
        staged_folder(tmp_path / "run") as staging,
    ):
        write_table_atomic(pd.DataFrame({"a": [1]}), staging / "table.csv")
    assert names(tmp_path) == ["table.csv"]


def test_a_folder_that_cannot_be_made_is_a_write_error(tmp_path):
    from model.files import WriteError

    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(WriteError, match="cannot write .*file/x.txt"):
        write_text_atomic(tmp_path / "file" / "x.txt", "x")
    with pytest.raises(WriteError), staged_folder(tmp_path / "file" / "run"):
        pass
