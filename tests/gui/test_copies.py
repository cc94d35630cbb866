"""Copies of image files at other paths, in the real window with real cells: a copy of a file
already in the case, or earlier in the same addition, adds no cell, and the closing message
says how many were left out."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from malariascope.core.classifier import Classifier
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.session import Session
from malariascope.gui.app import start
from tests.decodes import count_decodes
from tests.gui.helpers import MODEL_TIMEOUT_MS, click, screen_and_wait, wait_for_box
from tests.gui.test_status_bar import FIELDS, needs_fields
from tests.images import write_field
from tests.legacy_session import write_legacy_session
from tests.reports import read_summary


def _copied(files: list[Path], folder: Path, prefix: str = "") -> Path:
    """``folder`` holding a byte-identical copy of each of ``files``, named ``prefix`` + name."""
    folder.mkdir(exist_ok=True)
    for path in files:
        shutil.copy(path, folder / f"{prefix}{path.name}")
    return folder


def _summary(window, qtbot, report: Path) -> dict[str, str]:
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    summary, _ = read_summary(report.with_name(f"{report.stem}_summary.csv"))
    return summary


def test_a_folder_of_copies_of_the_cases_files_adds_no_cell(window, qtbot, tmp_path,
                                                              real_cells):
    """A second folder of byte-identical copies counted every cell twice, with no word."""
    cells = real_cells["parasitized"] + real_cells["uninfected"]
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-a")])
    batch = window.batch
    counted, parasitized = batch.counts.classified, batch.counts.parasitized
    assert counted == len(cells) == len(batch)
    screen_and_wait(window, qtbot, [_copied(cells, tmp_path / "field-b")])
    assert (len(batch), batch.counts.classified, batch.counts.parasitized) == (
        counted, counted, parasitized)
    assert {r.path.parent.name for r in batch.results} == {"field-a"}
    text = window.status.currentMessage()
    assert f"{len(cells)} files identical to other files of the case left out" in text, text
    assert "field-b/" in text and "is a copy of field-a/" in text
    assert window.case.result().cells_counted == counted
    summary = _summary(window, qtbot, tmp_path / "case.csv")
    assert (summary["images"], summary["classified"], summary["complete"],
            summary["images_not_screened"]) == (str(counted), str(counted), "true", "0")


def test_copies_within_one_folder_count_once(window, qtbot, tmp_path, real_cells):
    """A folder of 10 files made of 5 distinct images counted 10 cells."""
    five = real_cells["parasitized"][:3] + real_cells["uninfected"][:2]
    folder = _copied(five, tmp_path / "smear")
    _copied(five, folder, prefix="again_")
    screen_and_wait(window, qtbot, [folder])
    assert len(window.batch) == window.batch.counts.classified == 5
    assert "5 files identical to other files of the case left out" in (
        window.status.currentMessage())


@needs_fields
def test_a_whole_field_and_its_copy_count_the_field_once(window, qtbot, tmp_path):
    field = FIELDS / "PA171693.JPG"
    screen_and_wait(window, qtbot, [_copied([field], tmp_path / "one")])
    cells = len(window.batch)
    assert cells > 1 and all(r.whole_field for r in window.batch.results)
    screen_and_wait(window, qtbot, [_copied([field], tmp_path / "two", prefix="copy_")])
    assert len(window.batch) == window.batch.counts.classified == cells
    assert "1 file identical to other files of the case left out" in (
        window.status.currentMessage())


def test_a_folder_of_copies_of_whole_fields_is_not_screened_again(window, qtbot, tmp_path,
                                                                   monkeypatch):
    """Each copy was read, decoded, searched for cells and scored before it was left out: a
    folder of copies of fields took as long as the fields, the progress bar moving for
    nothing."""
    fields = [write_field(tmp_path / f"field{seed}.png", seed)[0] for seed in range(3)]
    screen_and_wait(window, qtbot, [_copied(fields, tmp_path / "a")])
    cells = len(window.batch)
    decoded = count_decodes(monkeypatch)
    progress: list[tuple[int, int]] = []
    window.controller.progress.connect(lambda _, done, total: progress.append((done, total)))
    screen_and_wait(window, qtbot, [_copied(fields, tmp_path / "b")])
    assert not decoded and len(window.batch) == cells
    assert progress[-1] == (3, 3)
    assert ("3 files identical to other files of the case left out: b/field0.png is a copy "
            "of a/field0.png") in window.status.currentMessage()


def test_screening_the_rest_of_a_restored_batch_adds_no_copy(make_window, qtbot, tmp_path,
                                                             data_folder, real_cells):
    """A batch cut short by a crash, its folder holding copies of the cells it had screened:
    the rest screened after Restore adds the other cells only, and the batch is whole."""
    originals = real_cells["parasitized"][:3] + real_cells["uninfected"][:3]
    folder = _copied(originals, tmp_path / "sample", prefix="a_")
    _copied(originals, folder, prefix="b_")
    files = sorted(folder.iterdir())
    classifier = Classifier.open()
    results = list(screen(files[:4], classifier))
    facts = BatchFacts.of(classifier, sources=(folder.name,))
    session = Session(results, facts, [], unsaved=True, complete=False,
                      extent=Extent((str(folder),), True, "auto", len(files)))
    write_legacy_session(data_folder / "session", session)
    window = make_window(start=False)
    with qtbot.waitSignal(window.controller.model_ready, timeout=MODEL_TIMEOUT_MS):
        start(window)
    box = wait_for_box(qtbot, window, "Restore unsaved work?")
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000) as done:
        click(box, "Restore and screen the rest")
    assert done.args == [len(originals), True]
    assert [r.path.name[:2] for r in window.batch.results] == ["a_"] * len(originals)
    assert not window.status.partial_label.isVisible()
    summary = _summary(window, qtbot, tmp_path / "restored.csv")
    assert (summary["images"], summary["complete"], summary["images_not_screened"]) == (
        str(len(originals)), "true", "0")


def test_copies_left_out_are_not_told_as_files_not_screened(window, qtbot, tmp_path,
                                                            real_cells, big_folder):
    """A screening cancelled after copies were left out counts only the files it did not
    reach as not screened: a copy left out is not one of the batch's image files."""
    five = real_cells["parasitized"][:3] + real_cells["uninfected"][:2]
    folder = _copied(five, tmp_path / "smear", prefix="a_")
    _copied(five, folder, prefix="b_")
    window.open_paths([folder, big_folder])  # 10 files, then 2,000 distinct cells
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=120_000)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=30_000) as blocker:
        window.status.task_status.cancel_button.click()
    assert not blocker.args[1]
    batch = window.batch
    cells = len(batch)
    assert 5 <= cells < 2_005 and not [r for r in batch.results if r.path.name[:2] == "b_"]
    summary = _summary(window, qtbot, tmp_path / "cut-short.csv")
    assert (summary["images"], summary["complete"], summary["images_not_screened"]) == (
        str(cells), "false", str(2_005 - cells))


def test_a_copy_named_by_long_paths_is_told_in_the_room_of_a_narrow_window(window, qtbot,
                                                                            tmp_path,
                                                                            real_cells):
    """The closing line naming a copy and its original by long paths, which hold no space to
    wrap at, made the window wider than it was set, past a small screen's edge, cut off."""
    prefix = "from_the_morning_session_of_the_second_microscope_in_lab_two_"
    folder = "slide_2026-12-05_lab_two_microscope_B_fields_of_the_morning"
    cell = [real_cells["parasitized"][0]]
    paths = [_copied(cell, tmp_path / folder, prefix),
             _copied(cell, tmp_path / f"{folder}_copied", prefix)]
    window.status.task_status.show()  # as while screening: the progress and its Cancel
    window.resize(1, window.height())  # as narrow as the window goes
    narrow = window.width()
    screen_and_wait(window, qtbot, paths)
    label, message = window.status.message_label, window.status.currentMessage()
    assert "is a copy of" in message and label.toolTip() == message
    metrics = label.fontMetrics()

    def shown_whole() -> bool:  # every line in the label's room, once the bar is laid out
        shown = label.text().splitlines()
        return label.height() >= len(shown) * metrics.lineSpacing() and all(
            metrics.horizontalAdvance(line) <= label.contentsRect().width() for line in shown)

    qtbot.waitUntil(lambda: not window.status.task_status.isVisible())
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the bar's room given out
    qtbot.waitUntil(shown_whole)
    assert window.width() == narrow
    shown = label.text().splitlines()
    assert shown[0] == message[:len(shown[0])] and shown[-1][-20:] == message[-20:]
    assert "is a copy of" in label.text() and "…" in label.text()  # the paths shortened
    window.resize(3000, window.height())
    qtbot.waitUntil(lambda: "…" not in label.text())
    assert label.text().replace("\n", "").replace(" ", "") == message.replace(" ", "")
