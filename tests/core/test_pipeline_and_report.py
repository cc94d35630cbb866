"""The screening pipeline through the real bundled model, and the CSV report it feeds."""

from __future__ import annotations

import csv
import shutil
import threading
import time
from pathlib import Path

import pytest

from malariascope.core import pipeline
from malariascope.core.classifier import Classifier, from_log_odds, log_odds
from malariascope.core.discovery import Discovery
from malariascope.core.errors import ReportError, ReportExistsError
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.report import (
    COLUMNS,
    ReportWriter,
    report_row,
    summary_path,
    write_report,
)
from tests.images import make_cell, make_cell_folder, write_broken_files, write_rgb
from tests.reports import read_rows, read_summary


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


@pytest.fixture
def mixed_folder(tmp_path, real_cells):
    folder = tmp_path / "batch"
    make_cell_folder(folder / "generated", 70)  # more than one batch of 64
    for path in real_cells["parasitized"][:3] + real_cells["uninfected"][:3]:
        shutil.copy(path, folder / path.name)
    write_rgb(folder / "größe 1.tif", make_cell(size=90, seed=9))
    write_rgb(folder / "one.png", make_cell(size=1))
    reasons = write_broken_files(folder / "broken")
    reasons["one.png"] = "blank"  # one pixel holds no cell
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    return folder, reasons


def test_every_file_gets_a_result_in_natural_order(mixed_folder, classifier):
    folder, reasons = mixed_folder
    found = Discovery([folder])
    results = list(screen(found, classifier))
    assert len(results) == 70 + 6 + 1 + len(reasons)
    assert [p.name for p in found.skipped] == ["notes.txt"]
    errors = {r.path.name: r.error for r in results if not r.ok}
    assert set(errors) == set(reasons)
    for name, word in reasons.items():
        assert word in errors[name]
    good = [r for r in results if r.ok]
    assert all(0.0 <= r.probability <= 1.0 and len(r.sha256) == 64 for r in good)
    generated = [r.path.name for r in results if r.path.parent.name == "generated"]
    assert generated[:3] == ["cell_0.png", "cell_1.png", "cell_2.png"]
    assert generated[10] == "cell_10.png"


def test_a_file_reached_twice_is_found_once(tmp_path, monkeypatch):
    cells = make_cell_folder(tmp_path / "cells", 3)
    monkeypatch.chdir(tmp_path)
    given = [cells[0], tmp_path / "cells", tmp_path, f"cells/../cells/{cells[0].name}"]
    assert sorted(Discovery(given)) == sorted(cells)


def test_a_file_reached_twice_is_counted_once_among_skipped_and_missing(tmp_path):
    """The totals said "3 non-image files skipped" of a folder holding one, given with its
    parent (and a path given twice that does not exist was listed twice)."""
    make_cell_folder(tmp_path / "cells", 1)
    (tmp_path / "cells" / "notes.txt").write_text("x", encoding="utf-8")
    found = Discovery([tmp_path / "cells", tmp_path, tmp_path / "typo", tmp_path / "typo"])
    assert len(list(found)) == 1
    assert found.skipped == [tmp_path / "cells" / "notes.txt"]
    assert found.missing == [tmp_path / "typo"]


def test_a_batch_stopped_with_files_queued_ends_at_once(tmp_path, classifier, monkeypatch):
    """Closing the results with files still queued for loading (a cancel, a Ctrl-C): their
    loads are cancelled and the stop waits only for those under way. It once waited for the
    cancelled ones too, which never finish: the window's Cancel hung."""
    load = pipeline._load
    monkeypatch.setattr(pipeline, "_load", lambda *args: time.sleep(0.02) or load(*args))
    stream = screen(make_cell_folder(tmp_path, 200), classifier)
    next(stream)
    closing = threading.Thread(target=stream.close, daemon=True)
    closing.start()
    closing.join(timeout=30)
    assert not closing.is_alive(), "stopping the batch hung"
    assert not [t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")]


def test_report_round_trips_and_summary_adds_up(mixed_folder, classifier, tmp_path):
    folder, _ = mixed_folder
    info = BatchFacts.of(classifier, sample_id="S-17", operator="Dr. Ané")
    results = list(screen(Discovery([folder]), classifier))
    target = tmp_path / "report.csv"
    write_report(target, (report_row(r, info) for r in results), info)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == COLUMNS
        rows = list(reader)
    assert [row["image_path"] for row in rows] == [str(r.path) for r in results]
    assert {row["operator"] for row in rows} == {"Dr. Ané"}
    ok = [row for row in rows if row["status"] == "ok"]
    assert all(row["final_call"] == row["call"] and row["review"] == "" for row in ok)
    assert all(
        float(row["p_parasitized"]) >= classifier.rule.threshold
        for row in ok
        if row["call"] == "parasitized"
    )
    with open(summary_path(target), encoding="utf-8-sig", newline="") as handle:
        summary = dict(csv.reader(handle))
    parasitized = sum(row["call"] == "parasitized" for row in ok)
    assert int(summary["images"]) == len(rows)
    assert int(summary["errors"]) == len(rows) - len(ok)
    assert int(summary["parasitized"]) + int(summary["uninfected"]) == len(ok)
    assert int(summary["parasitized"]) == parasitized
    assert float(summary["percent_parasitized"]) == pytest.approx(
        100 * parasitized / len(ok), abs=0.01
    )


def _rows(classifier, tmp_path, count=3):
    info = BatchFacts.of(classifier)
    paths = make_cell_folder(tmp_path / "cells", count)
    return [report_row(r, info) for r in screen(paths, classifier)], info


def test_existing_report_is_not_overwritten_unless_asked(classifier, tmp_path):
    rows, info = _rows(classifier, tmp_path)
    target = tmp_path / "old.csv"
    target.write_text("old report", encoding="utf-8")
    with pytest.raises(ReportExistsError):
        write_report(target, rows, info)
    assert target.read_text(encoding="utf-8") == "old report"
    write_report(target, rows, info, overwrite=True)
    assert "image_path" in target.read_text(encoding="utf-8-sig")


def test_failed_write_keeps_old_report_whole(classifier, tmp_path, monkeypatch):
    rows, info = _rows(classifier, tmp_path)
    target = tmp_path / "kept.csv"
    target.write_text("previous report", encoding="utf-8")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("malariascope.core.report.os.fsync", disk_full)
    with pytest.raises(ReportError, match="No space left"):
        write_report(target, rows, info, overwrite=True)
    assert target.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cells", "kept.csv"]


def test_a_report_marked_incomplete_says_so_on_every_row_and_nothing_else_changes(
        classifier, tmp_path):
    rows, info = _rows(classifier, tmp_path)
    rows[0]["image_path"] = 'a "quoted",\nname.png'  # a cell the csv module must quote
    whole = write_report(tmp_path / "whole.csv", rows, info)
    with ReportWriter(tmp_path / "part.csv", info) as writer:
        for row in rows:
            writer.add(row)
        writer.mark_incomplete(7)
    whole_rows, part_rows = read_rows(whole), read_rows(writer.path)
    assert [r.pop("batch_complete") for r in whole_rows] == ["true"] * 3
    assert [r.pop("batch_complete") for r in part_rows] == ["false"] * 3
    run_ids = [{r.pop("run_id") for r in read} for read in (whole_rows, part_rows)]
    assert part_rows == whole_rows and part_rows[0]["image_path"] == rows[0]["image_path"]
    for report, marks, run_id in zip((whole, writer.path), (("true", "0"), ("false", "7")),
                                     run_ids, strict=True):
        batch, _ = read_summary(summary_path(report))
        assert (batch["complete"], batch["images_not_screened"]) == marks
        assert {batch["run_id"]} == run_id  # one run id in all rows and the summary
    assert run_ids[0] != run_ids[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cells", "part.csv", "part_summary.csv", "whole.csv", "whole_summary.csv"]


def test_threshold_moves_calls_and_band(classifier):
    rule = classifier.rule.with_threshold(0.9)
    assert rule.call(0.85) == "uninfected" and rule.call(0.95) == "parasitized"
    low, high = rule.band
    assert 0.0 < low < 0.9 < high < 1.0
    # the band keeps its width in log-odds: odds within the same factor of the threshold's
    old_low, old_high = classifier.rule.band
    t = classifier.rule.threshold
    assert odds(0.9) / odds(low) == pytest.approx(odds(t) / odds(old_low))
    assert odds(high) / odds(0.9) == pytest.approx(odds(old_high) / odds(t))
    assert rule.uncertain(0.9) and not rule.uncertain(0.001) and not rule.uncertain(0.9999)


def test_bundled_band_flags_only_calls_near_the_threshold(classifier):
    low, high = classifier.rule.band
    t = classifier.rule.threshold
    assert 0.0 < low < t < high < 1.0
    assert odds(t) / odds(low) == pytest.approx(odds(high) / odds(t))


def test_bundled_field_threshold_counts_fairly_and_flags_what_it_does_not_count(classifier):
    rule = classifier.rule
    t, field = rule.threshold, rule.field_threshold
    assert t < field < 1
    between = from_log_odds((log_odds(t) + log_odds(field)) / 2)
    assert rule.call(between) == "parasitized"
    assert rule.call(between, in_field=True) == "uninfected"
    assert rule.uncertain(between, in_field=True) and not rule.uncertain(between)
    low, high = rule.field_band
    assert low == t and field < high < 1
    assert not rule.uncertain(0.99 * t, in_field=True) and rule.uncertain(0.99 * t)
    assert rule.threshold_for(in_field=True) == field and rule.threshold_for(False) == t
    # an amber field cell is suspect: its Grad-CAM is the parasitized class's map
    assert rule.suspect(between, in_field=True) and not rule.suspect(low / 2, in_field=True)


def odds(p: float) -> float:
    return p / (1.0 - p)


def test_the_summary_records_both_thresholds_after_its_other_keys(classifier, tmp_path):
    """The summary file named neither the threshold nor the field threshold of its calls."""
    rows, _ = _rows(classifier, tmp_path)
    facts = BatchFacts.of(classifier, rule=classifier.rule.with_threshold(0.5))
    target = tmp_path / "moved.csv"
    write_report(target, rows, facts)
    with open(summary_path(target), encoding="utf-8-sig", newline="") as handle:
        lines = [line for line in csv.reader(handle) if line]
    keys, summary = [line[0] for line in lines], dict(lines)
    assert summary["threshold"] == "0.5000"
    assert summary["field_threshold"] == f"{facts.rule.field_threshold:.4f}" != "0.5000"
    assert keys.index("written_at") < keys.index("threshold")  # appended: no key moved


def test_a_field_cell_just_over_a_moved_field_threshold_reads_over_it_in_the_csv(classifier):
    """With the threshold moved to 0.5 the field threshold is 0.98809033; a field cell of P
    0.988095 was called parasitized in a row reading threshold 0.9881, above its P."""
    rule = classifier.rule.with_threshold(0.5)
    facts = BatchFacts.of(classifier, rule=rule)
    edge = rule.field_threshold
    assert round(edge, 4) != edge  # off the card's four-decimal grid
    for p in (edge + 5e-6, edge + 4e-9, edge):
        cell = ScreeningResult(Path("field.png"), probability=p, box=(0, 0, 40, 40),
                               cell_index=1)
        row = report_row(cell, facts)
        assert row["call"] == "parasitized"
        assert float(row["p_parasitized"]) >= float(row["threshold"])
        assert row["p_parasitized"] != row["threshold"] or p == edge
