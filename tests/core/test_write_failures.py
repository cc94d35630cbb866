"""A report that cannot be written says why, keeps the old one whole and leaves no temp file."""

from __future__ import annotations

import errno
import json
import os
import time

import pytest

from malariascope.core import atomic
from malariascope.core.atomic import temp_beside, write_bytes_atomic
from malariascope.core.classifier import Classifier
from malariascope.core.errors import ReportAppearedError, ReportBusyError, ReportError
from malariascope.core.facts import BatchFacts
from malariascope.core.lockfile import lock_path
from malariascope.core.pipeline import screen
from malariascope.core.report import ReportWriter, report_row, summary_path, write_report
from tests.faults import ALL_FAULTS, full_device, full_disk, locked
from tests.images import make_cell_folder


@pytest.fixture(scope="module")
def report_rows(tmp_path_factory) -> tuple[list[dict[str, str]], BatchFacts]:
    """Report rows of twelve generated cells, screened by the bundled model."""
    classifier = Classifier.open()
    cells = make_cell_folder(tmp_path_factory.mktemp("cells"), 12)
    info = BatchFacts.of(classifier, sample_id="S-1", operator="op")
    return [report_row(r, info) for r in screen(cells, classifier)], info


def old_report(folder):
    """A folder holding a report and its summary from before; returns every file's bytes."""
    folder.mkdir()
    report = folder / "report.csv"
    report.write_bytes(b"old report\n")
    summary_path(report).write_bytes(b"old summary\n")
    return folder_bytes(folder)


def folder_bytes(folder) -> dict:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


@pytest.mark.parametrize("fault", ALL_FAULTS)
def test_failed_report_keeps_the_old_one_and_leaves_no_temp_file(tmp_path, report_rows, fault):
    if ALL_FAULTS[fault][0] is full_device and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    rows, info = report_rows
    before = old_report(tmp_path / "reports")
    report = tmp_path / "reports" / "report.csv"
    inject, words = ALL_FAULTS[fault]
    with inject(report), pytest.raises(ReportError, match=words) as caught:
        write_report(report, rows, info, overwrite=True)
    assert str(report) in str(caught.value)
    assert folder_bytes(tmp_path / "reports") == before  # nothing new, nothing half-written


def test_the_same_report_is_written_once_the_fault_is_gone(tmp_path, report_rows):
    rows, info = report_rows
    report = tmp_path / "reports" / "report.csv"
    old_report(tmp_path / "reports")
    with full_disk(report), pytest.raises(ReportError):
        write_report(report, rows, info, overwrite=True)
    write_report(report, rows, info, overwrite=True)
    assert report.read_text(encoding="utf-8-sig").count("\n") == len(rows) + 1


def test_atomic_write_on_a_full_disk_keeps_the_old_file(tmp_path):
    target = tmp_path / "out" / "data.bin"
    target.parent.mkdir()
    target.write_bytes(b"old")
    with full_disk(target, room=10), pytest.raises(OSError) as caught:
        write_bytes_atomic(target, b"x" * 100)
    assert caught.value.errno == errno.ENOSPC
    assert [p.name for p in target.parent.iterdir()] == ["data.bin"]
    assert target.read_bytes() == b"old"


def test_a_summary_that_cannot_be_written_keeps_the_old_pair(tmp_path, report_rows):
    rows, info = report_rows
    fresh = write_report(tmp_path / "fresh.csv", rows, info)
    room = len(fresh.read_text(encoding="utf-8-sig")) + 100  # the rows fit, the summary not
    before = old_report(tmp_path / "reports")
    report = tmp_path / "reports" / "report.csv"
    with full_disk(report, room), pytest.raises(ReportError, match="the disk is full") as caught:
        write_report(report, rows, info, overwrite=True)
    assert str(summary_path(report)) in str(caught.value)
    assert folder_bytes(tmp_path / "reports") == before  # the old report and summary, matched


@pytest.mark.parametrize("new", [False, True])
def test_a_summary_that_cannot_be_replaced_keeps_the_old_pair(tmp_path, report_rows, new):
    """The summary open in Excel (Windows refuses the rename): the report, renamed first,
    gets its old file back, or goes when there was none. Found in review: the new report
    stayed beside the old summary."""
    rows, info = report_rows
    report = tmp_path / "reports" / "report.csv"
    if new:
        report.parent.mkdir()
        summary_path(report).write_text("old summary, no report", encoding="utf-8")
    before = old_report(tmp_path / "reports") if not new else folder_bytes(report.parent)
    old_file = None if new else report.stat().st_ino
    with locked(summary_path(report)), pytest.raises(ReportError,
                                                     match="open in another program") as caught:
        write_report(report, rows, info, overwrite=True)
    assert summary_path(report).name in str(caught.value)
    assert folder_bytes(tmp_path / "reports") == before
    if old_file is not None:  # the very file, kept aside by a link: no space, owner kept
        assert report.stat().st_ino == old_file


def test_two_writers_of_one_report_cannot_run_at_once(tmp_path, report_rows):
    """Two batches to one --csv at once both ended as written: one batch was lost. The
    second writer is refused at once, also one named as the first one's summary, and the
    lock goes with the first; a lock file left by a killed run stops nobody."""
    rows, info = report_rows
    report = tmp_path / "report.csv"
    lock_path(report).write_bytes(b"")  # left by a run that was killed
    with ReportWriter(report, info) as first:
        for target in (report, summary_path(report)):
            with pytest.raises(ReportBusyError, match="another MalariaScope run is writing"):
                ReportWriter(target, info, overwrite=True)
        first.add(rows[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv", "report_summary.csv"]
    write_report(report, rows, info, overwrite=True)


@pytest.mark.parametrize("which", ["report", "summary"])
def test_a_file_that_appears_at_the_report_while_it_is_written_is_kept(tmp_path, report_rows,
                                                                        which):
    """A file that another program put at the report's name during the batch was replaced
    without --overwrite: it stays, and so does one at the summary's name."""
    rows, info = report_rows
    report = tmp_path / "report.csv"
    appeared = report if which == "report" else summary_path(report)
    with pytest.raises(ReportAppearedError, match=f"{appeared.name} appeared while"):
        with ReportWriter(report, info) as writer:
            writer.add(rows[0])
            appeared.write_text("another program's", encoding="utf-8")
    assert appeared.read_text(encoding="utf-8") == "another program's"
    assert [p.name for p in tmp_path.iterdir()] == [appeared.name]  # no half pair, no temp


def test_a_ctrl_c_while_the_report_is_finished_leaves_no_temporary_file(tmp_path, report_rows,
                                                                          monkeypatch):
    """A second Ctrl-C (or SIGTERM) as the summary was being written left the report's
    temporary file behind."""
    rows, info = report_rows
    before = old_report(tmp_path / "reports")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("malariascope.core.report.write_synced", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(tmp_path / "reports" / "report.csv", rows, info, overwrite=True)
    assert folder_bytes(tmp_path / "reports") == before


@pytest.mark.skipif(os.name == "nt", reason="flock is how Linux and macOS lock")
def test_a_file_system_that_takes_no_locks_still_gets_its_report(tmp_path, report_rows,
                                                                  monkeypatch):
    import fcntl

    rows, info = report_rows

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    report = write_report(tmp_path / "report.csv", rows, info)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv", "report_summary.csv"]
    assert report.read_text(encoding="utf-8-sig").count("\n") == len(rows) + 1


def test_a_figure_that_is_infinite_is_written_as_null_not_a_traceback(tmp_path):
    """Strict JSON refused an infinity with a bare ValueError, outside the report's errors."""
    from malariascope.core.jsonwrite import write_json

    write_json(tmp_path / "f.json", {"ece": float("inf"), "rates": [float("-inf"), 0.5]})
    assert json.loads((tmp_path / "f.json").read_text()) == {"ece": None, "rates": [None, 0.5]}


def test_figures_never_replace_a_file_that_appeared_unasked(tmp_path):
    """--json was checked before the work, then written over whatever reached its name."""
    from malariascope.core.jsonwrite import write_json

    (tmp_path / "f.json").write_text("another run's figures")
    with pytest.raises(ReportAppearedError):
        write_json(tmp_path / "f.json", {"auc": 0.99}, overwrite=False)
    assert (tmp_path / "f.json").read_text() == "another run's figures"
    write_json(tmp_path / "f.json", {"auc": 0.99}, overwrite=True)
    assert json.loads((tmp_path / "f.json").read_text()) == {"auc": 0.99}


def test_temporary_files_a_killed_writer_left_are_swept_by_the_next_report(tmp_path,
                                                                          report_rows):
    """A writer killed mid-write (kill -9, a power cut) left hidden temporary files in the
    user's folder for good; the next report of that name deletes those untouched for an hour,
    and leaves a fresh one (a writer at work) and every other file alone."""
    rows, info = report_rows
    report = tmp_path / "reports" / "report.csv"
    report.parent.mkdir()
    left = [temp_beside(report), temp_beside(summary_path(report))]
    working, other = temp_beside(report), report.parent / ".report.csv.notes"
    other.write_text("mine")
    hours_ago = time.time() - 2 * 3600
    for path in (*left, other):
        os.utime(path, (hours_ago, hours_ago))
    write_report(report, rows, info)
    assert sorted(report.parent.iterdir()) == sorted(
        [report, summary_path(report), working, other])


def test_a_summary_refused_puts_back_an_old_report_a_day_old_with_a_long_name(
        tmp_path, report_rows, monkeypatch):
    """The sweep of stale temporary files took the old report's second name (a hard link, as
    old as the report; the summary's temporary names share the first 40 characters), so the
    new report stayed beside the old summary when the summary could not be replaced."""
    rows, info = report_rows
    folder = tmp_path / "reports"
    folder.mkdir()
    report = folder / ("Ward-3-followup-day-2-thin-film-slide-A_2026-12-05.csv")  # stem >= 40
    report.write_bytes(b"old report\n")
    summary_path(report).write_bytes(b"old summary\n")
    yesterday = time.time() - 24 * 3600
    for path in (report, summary_path(report)):
        os.utime(path, (yesterday, yesterday))
    replace = os.replace

    def refusing(src, dst):  # the summary open in Excel (Windows refuses the rename)
        if str(dst) == str(summary_path(report)):
            raise PermissionError(13, "Permission denied", str(dst))
        return replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", refusing)
    with pytest.raises(ReportError):
        write_report(report, rows, info, overwrite=True)
    monkeypatch.setattr(atomic.os, "replace", replace)
    assert summary_path(report).read_bytes() == b"old summary\n"
    assert report.read_bytes() == b"old report\n", "the new report stayed beside the old summary"
