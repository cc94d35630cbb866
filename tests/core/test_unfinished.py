"""The records of exports in progress (``core.unfinished``): a record of this process's
pid that this process did not write is an earlier run's, and each target is told as it is."""

from __future__ import annotations

import errno
import json
import os
import platform
import shutil
from pathlib import Path

from malariascope.core.atomic import temp_beside, write_bytes_atomic
from malariascope.core.clock import utc_now
from malariascope.core.lockfile import lock_targets
from malariascope.core.unfinished import FOLDER, clear_unfinished, recorded


def killed_record(record: Path, *targets: Path) -> None:
    """Write ``record`` as a killed run of this process's pid left it (see the first test)."""
    record.write_text(json.dumps({
        "targets": [[str(target), None] for target in targets], "started": utc_now(),
        "pid": os.getpid(), "host": platform.node()}))


def test_a_record_of_this_pid_left_by_a_run_before_a_restart_is_told(tmp_path, monkeypatch):
    """After a power cut the next window can get the pid the killed one had: its record
    is the earlier run's, while the export this window runs is its own and left alone."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    report, written = tmp_path / "out" / "r.csv", tmp_path / "out" / "w.csv"
    report.parent.mkdir()
    report.write_bytes(b"the earlier report")
    with recorded(report, written, tmp_path / "out" / "gone.csv"):
        running = next((tmp_path / FOLDER).glob("*.json"))
        earlier = running.with_name("1-earlier.json")
        shutil.copy(running, earlier)  # as a killed run of the same pid left it
        write_bytes_atomic(written, b"put in place before the kill")
        (found,) = clear_unfinished()
        assert sorted((tmp_path / FOLDER).iterdir()) == [running]
    assert found.targets == (report, written, tmp_path / "out" / "gone.csv")
    assert found.words().endswith(
        " did not finish: the window closed while it was being written. The earlier r.csv is "
        "kept as it was. w.csv was written before the window closed. gone.csv was not "
        "written.")
    assert list((tmp_path / FOLDER).iterdir()) == []  # the window's own ended with it
    assert sorted(path.name for path in report.parent.iterdir()) == ["r.csv", "w.csv"]
    assert clear_unfinished() == []


def test_a_record_whose_every_target_was_put_in_place_is_removed_untold(tmp_path, monkeypatch):
    """Killed after its last rename, an export was told as not finished, "r.csv was written
    before the window closed": it had finished all but removing its record."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    report = tmp_path / "r.csv"
    report.write_bytes(b"the earlier report")
    with recorded(report, tmp_path / "r_summary.csv"):
        running = next((tmp_path / FOLDER).glob("*.json"))
        earlier = running.with_name("1-earlier.json")
        shutil.copy(running, earlier)
        write_bytes_atomic(report, b"the new report")
        write_bytes_atomic(tmp_path / "r_summary.csv", b"its summary")
        assert clear_unfinished() == []
        assert sorted((tmp_path / FOLDER).iterdir()) == [running]


def test_no_record_is_written_where_the_data_folder_is_not_made_yet(tmp_path, monkeypatch):
    """The data folder is autosave's to make: an export before it goes on unrecorded."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path / "not made"))
    with recorded(Path(tmp_path / "r.csv")):
        assert not (tmp_path / "not made").exists()
    assert clear_unfinished() == []


def test_another_reports_temporary_file_of_the_same_first_characters_is_kept(
        tmp_path, monkeypatch):
    """Names alike in their first NAME_KEPT characters give alike temporary files: one a
    running export writes (its target locked) is never taken for a killed one's leftover."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    (tmp_path / FOLDER).mkdir()
    folder, alike = tmp_path / "out", "Malaria_Screening_Report_Clinic_Nairobi_"
    folder.mkdir()
    killed, running = folder / f"{alike}2026-12-07.csv", folder / f"{alike}2026-12-08.csv"
    killed_record(tmp_path / FOLDER / "1-earlier.json", killed)
    locks = lock_targets([running])
    try:
        writing = temp_beside(running)  # as ReportWriter holds it while the rows come
        (found,) = clear_unfinished()
        assert found.targets == (killed,)
        assert writing.exists()
    finally:
        for lock in locks:
            lock.release()


def test_a_record_that_cannot_be_removed_yet_is_told_later_and_the_others_now(
        tmp_path, monkeypatch):
    """On Windows a record another window is reading cannot be removed: it is left to the
    next look, and the records after it are still told."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    (tmp_path / FOLDER).mkdir()
    held, other = tmp_path / FOLDER / "1-held.json", tmp_path / FOLDER / "2-other.json"
    killed_record(held, tmp_path / "held.csv")
    killed_record(other, tmp_path / "other.csv")
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if Path(path) == held:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real_unlink(path, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(os, "unlink", unlink)
        assert [found.targets for found in clear_unfinished()] == [(tmp_path / "other.csv",)]
    assert [found.targets for found in clear_unfinished()] == [(tmp_path / "held.csv",)]
    assert clear_unfinished() == []


def test_a_report_killed_as_its_rows_were_marked_incomplete_leaves_nothing(
        tmp_path, monkeypatch):
    """Rows marked incomplete are written again to a temporary file of the report's own
    temporary file; one killed meanwhile left it, named after no target, for good."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    (tmp_path / FOLDER).mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    report = folder / "r.csv"
    killed_record(tmp_path / FOLDER / "1-earlier.json", report)
    temp_beside(temp_beside(report))  # as mark_rows_incomplete makes it
    (found,) = clear_unfinished()
    assert list(folder.iterdir()) == []


def test_a_target_through_a_linked_folder_is_recorded_where_it_is_written(
        tmp_path, monkeypatch):
    """A target named through a linked folder and ".." (out/link/../r.csv, written in the
    folder the link leads out of) was recorded as out/r.csv: its leftover stayed, and its
    earlier file was told as never written."""
    monkeypatch.setenv("MALARIASCOPE_DATA_DIR", str(tmp_path))
    real = tmp_path / "real"
    (real / "deep").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(real / "deep", target_is_directory=True)
    report = tmp_path / "out" / "link" / ".." / "r.csv"
    report.write_bytes(b"the earlier report")
    with recorded(report):
        running = next((tmp_path / FOLDER).glob("*.json"))
        shutil.copy(running, running.with_name("1-earlier.json"))  # as a killed run left it
        temp_beside(report)
    (found,) = clear_unfinished()
    assert found.targets == (real / "r.csv",)
    assert found.words().endswith(" The earlier r.csv is kept as it was.")
    assert sorted(real.iterdir()) == [real / "deep", real / "r.csv"]
