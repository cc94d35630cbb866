"""What a case's records say beyond its rows, in the real window with real cells: the files
left out as copies of others, the uncertain cells, the files without a call by name, and
who signed; in the window, the summary CSV, the PDF and the register alike."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from malariascope.core.clock import utc_minute
from malariascope.core.leftout import COPIES_NOT_RECORDED
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.batches import session_of
from malariascope.core.register.export import case_row
from malariascope.gui.app import start
from tests.core.test_register_partial import BEFORE_COPIES
from tests.core.test_register_scale import as_before_list_indexes
from tests.gui.case_steps import _type_facts
from tests.gui.helpers import MODEL_TIMEOUT_MS, amend_case, close_window, screen_and_wait
from tests.gui.test_copies import _copied, _summary
from tests.gui.test_register_dialog import WAIT_MS, filed, open_past, open_register  # noqa: F401
from tests.images import make_cell_folder, write_field, write_glass
from tests.reports import read_pdf


def _pdf_text(window, qtbot, pdf: Path) -> str:
    with qtbot.waitSignal(window.case_flow.reports.written, timeout=60_000):
        window.case_flow.reports.export_pdf(pdf)
    return " ".join(read_pdf(pdf)[1].split())


def _copies_screened(window, qtbot, tmp_path, real_cells) -> int:
    """A folder of cells, then a folder of copies of them: the copies left out."""
    cells = real_cells["parasitized"][:4] + real_cells["uninfected"][:3]
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-a")])
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-b")])
    return len(cells)


def test_copies_left_out_are_in_the_window_the_summary_csv_and_the_pdf(window, qtbot,
                                                                       tmp_path, real_cells):
    """Copies left out were told only in a passing status message: the window's counts, the
    summary CSV ("images,516" of 518 files) and the PDF had no word of them."""
    copies = _copies_screened(window, qtbot, tmp_path, real_cells)
    assert window.summary.caption("errors") == f"errors, {copies} copies"
    assert "field-b/" in window.summary._stats["errors"].toolTip()
    summary = _summary(window, qtbot, tmp_path / "case.csv")
    assert summary["copies_left_out"] == str(copies)
    names = summary["copies_left_out_names"]
    assert names.startswith("field-b/") and "(copy of field-a/" in names
    assert names.endswith(f"and {copies - 5} more")  # the first five by name
    text = _pdf_text(window, qtbot, tmp_path / "case.pdf")
    assert f"{copies} files were left out as identical copies of files screened" in text


def test_copies_left_out_stay_with_the_signed_case_in_the_register(
        data_folder, window, qtbot, tmp_path, real_cells):
    """The register kept no word of the copies left out: once the window's work ended, a
    case reopened from it said none were."""
    copies = _copies_screened(window, qtbot, tmp_path, real_cells)
    _type_facts(window, qtbot)
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    uid = window.batch.case.uid
    close_window(window, qtbot)  # ends the window's work: only the case's row is left
    with Register(data_folder) as register:
        stored = register.load(uid)
        (listed,) = register.cases()
    assert stored.copies.count == listed.copies.count == copies
    assert session_of(stored).extent.copies == stored.copies
    assert stored.copies.named[0].startswith("field-b/")


def test_the_pdf_counts_the_uncertain_cells_and_names_the_files_without_a_call(
        window, qtbot, tmp_path):
    """The PDF never said how many cells were uncertain (the window did), and counted the
    files without a call without naming one."""
    folder = tmp_path / "slide"
    make_cell_folder(folder, 6)
    (folder / "zero.png").write_bytes(b"")
    (folder / "empty.png").write_bytes(b"")
    screen_and_wait(window, qtbot, [folder])
    uncertain = window.batch.counts.uncertain
    assert window.summary.text("uncertain") == f"{uncertain:,}"
    text = _pdf_text(window, qtbot, tmp_path / "slide.pdf")
    assert f"Uncertain cells: {uncertain:,}" in text
    assert "files without a call: 2 (2 unreadable; empty.png, zero.png)" in text


def test_the_summary_csv_of_a_signed_case_says_who_signed_it_and_when(window, qtbot,
                                                                        tmp_path):
    """The PDF said who signed the case and when; its summary CSV did not."""
    make_cell_folder(tmp_path / "slide", 4)
    _type_facts(window, qtbot)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    summary = _summary(window, qtbot, tmp_path / "open.csv")
    assert (summary["signed_by"], summary["signed_at"]) == ("", "")
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    signature = window.batch.case.signed.signature
    summary = _summary(window, qtbot, tmp_path / "signed.csv")
    assert (summary["signed_by"], summary["signed_at"]) == ("Ann Lee", signature.signed_at)


def test_the_summary_csv_of_a_case_signed_again_says_it_was_amended(
        window, qtbot, tmp_path, data_folder):
    """Amended after sign-off and signed again, the case's summary gave only the last
    signature, which read like a first one; the register's export and the PDF listed the
    amendment."""
    make_cell_folder(tmp_path / "slide", 4)
    _type_facts(window, qtbot)
    screen_and_wait(window, qtbot, [tmp_path / "slide"])
    assert _amended(_summary(window, qtbot, tmp_path / "open.csv")) == ("", "")
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann Lee")
    assert _amended(_summary(window, qtbot, tmp_path / "signed.csv")) == ("0", "")
    assert amend_case(window, qtbot, 'the slide id was "S-7"; wrong', "Bob Ray")
    assert _amended(_summary(window, qtbot, tmp_path / "amending.csv")) == ("", "")
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Bob Ray")
    assert "(signed, amended 1×)" in window.windowTitle()  # as the register lists it
    summary = _summary(window, qtbot, tmp_path / "again.csv")
    (amendment,) = window.batch.case.amendments
    assert summary["signed_by"] == "Bob Ray"
    assert _amended(summary) == ("1", f'1. {utc_minute(amendment.at)}, "Bob Ray": '
                                      '"the slide id was ""S-7""; wrong"')
    with Register(data_folder) as register:
        (listed,) = register.cases()
    assert _amended(case_row(listed)) == _amended(summary)  # the register's words


def _amended(keys: dict[str, str]) -> tuple[str, str]:
    return keys["amendments"], keys["amendments_detail"]


def test_the_pdf_of_whole_fields_lists_each_field_with_its_counts(window, qtbot, tmp_path):
    """The PDF gave a case screened from whole fields only its totals: which field held the
    parasites, and one where no cell was found, could be read in the summary CSV only."""
    slide = tmp_path / "slide"
    for number, day in enumerate(("day 1", "day 1", "day 2")):
        (slide / day).mkdir(parents=True, exist_ok=True)
        write_field(slide / day / f"field-{number}.png", seed=number)
    write_glass(slide / "day 2" / "glass.png")
    screen_and_wait(window, qtbot, [slide])
    text = _pdf_text(window, qtbot, tmp_path / "slide.pdf")
    assert "Whole fields (4) Field Cells counted Parasitized Uncertain Parasitemia %" in text
    for name in ("day 1/field-0.png", "day 1/field-1.png", "day 2/field-2.png"):
        counts = window.batch.field_counts(slide / name)
        assert counts.classified > 0
        assert (f"{name} {counts.classified} {counts.parasitized} {counts.uncertain} "
                f"{counts.percent_text(2)}") in text
    assert "day 2/glass.png 0 0 0 none" in text


def test_a_case_saved_before_copies_were_kept_says_not_recorded_never_none(
        make_window, qtbot, data_folder, filed, tmp_path):  # noqa: F811
    """A case of a register from before its cases kept the copies left out, opened again,
    wrote ``copies_left_out,0`` in its summary CSV: none left out, which nobody knew."""
    with contextlib.closing(sqlite3.connect(data_folder / FILE_NAME)) as db, db:
        db.execute("ALTER TABLE cases DROP COLUMN copies_left_out")
        for column in ("sources", "extent", "model", "model_sha256"):  # later steps'
            db.execute(f"ALTER TABLE amendments DROP COLUMN {column}")
        db.execute("DROP TABLE withdrawals")
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_COPIES}")
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    qtbot.waitUntil(lambda: window.autosave.register is not None, timeout=WAIT_MS)
    open_past(open_register(window, qtbot), qtbot, "S-1")
    summary = _summary(window, qtbot, tmp_path / "s-1.csv")
    assert (summary["copies_left_out"], summary["copies_left_out_names"]) == ("", "")
    assert "left out as identical copies of files screened: not recorded" in _pdf_text(
        window, qtbot, tmp_path / "s-1.pdf")
    assert window.summary.caption("errors") == "errors"
    assert window.summary._stats["errors"].toolTip() == COPIES_NOT_RECORDED
    assert amend_case(window, qtbot, "patient id mistyped", "Ann")
    with qtbot.waitSignal(window.case_flow.saved, timeout=60_000):
        assert window.case_flow.sign("Ann")
    close_window(window, qtbot)
    with Register(data_folder) as register:
        (case,) = [case for case in register.cases() if case.facts.sample_id == "S-1"]
        assert case.amendments == 1 and case.copies is None  # saved again: still unknown
