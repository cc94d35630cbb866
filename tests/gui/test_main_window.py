"""The real window with the real model: open and list, cancel, drop, remember settings,
export, about."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSize, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem

from malariascope import __version__
from malariascope.core.words import threshold_words
from malariascope.gui import settings
from malariascope.gui.results_table import ERROR
from tests.gui.helpers import (
    _column,
    _first_ok,
    close_window,
    screen_and_wait,
)
from tests.images import make_cell_folder
from tests.reports import read_rows


def test_window_paints_before_the_model_and_says_when_ready(make_window, qtbot):
    window = make_window(start=False)
    assert window.controller.classifier is None and window.isVisible()
    assert (window.width(), window.height()) == (1280, 800) and not window.isMaximized()
    assert not window.windowIcon().isNull()
    with qtbot.waitSignal(window.controller.model_ready, timeout=60_000):
        window.start()
    classifier = window.controller.classifier
    assert "Model ready" in window.statusBar().currentMessage()
    assert window.controls.threshold.value() == pytest.approx(classifier.rule.threshold, abs=1e-3)
    assert threshold_words(classifier.rule.field_threshold) in window.controls.threshold.toolTip()
    assert window.batch.facts.model == classifier.model_name


def test_folder_lists_every_cell_and_bad_files_as_error_rows(window, qtbot, mixed_folder):
    folder, reasons = mixed_folder
    screen_and_wait(window, qtbot, [folder])
    batch = window.batch
    assert len(batch) == window.proxy.rowCount() == 20 + 6 + len(reasons)
    errors = {r.path.name: r.error for r in batch.results if not r.ok}
    assert set(errors) == set(reasons)
    for name, word in reasons.items():
        assert word in errors[name]
    rule = batch.facts.rule
    for row, result in enumerate(batch.results):
        if result.ok:
            assert 0.0 <= result.probability <= 1.0
            assert batch.call(row) == rule.call(result.probability)
    shown_errors = [text for text in _column(window, ERROR) if text]
    assert len(shown_errors) == len(reasons)
    drawn = QStyleOptionViewItem()  # a reason wraps and is cut at its end, not its middle
    window.table.itemDelegateForColumn(ERROR).initStyleOption(drawn, window.proxy.index(
        _column(window, ERROR).index(shown_errors[0]), ERROR))
    assert drawn.textElideMode == Qt.TextElideMode.ElideRight and drawn.text == shown_errors[0]
    assert drawn.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    assert not any(box.isVisible()  # no dialog per bad file
                   for box in window.findChildren(QMessageBox))
    summary = window.summary
    assert summary.text("cells") == "26 / 2,000" and summary.text("errors") == str(len(reasons))
    assert int(summary.text("parasitized")) + int(summary.text("uninfected")) == 26
    assert window.statusBar().currentMessage().startswith(
        f"Screened 26 cells, {len(reasons)} errors in ")  # as the summary counts them


def test_thumbnails_load_lazily_for_painted_rows(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    cache = window.table_model.thumbnails
    index = window.table_model.index(_first_ok(window.batch), 0)
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None,
                    timeout=10_000)
    thumbnail = index.data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(thumbnail, QImage) and 0 < thumbnail.width() <= cache.pixels
    assert len(cache._images) < len(window.batch) * 2  # only rows asked for are decoded


def test_export_failure_is_reported_and_the_batch_stays(window, qtbot, cell_folder, tmp_path):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    rows = len(window.batch)
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000) as blocker:
        window.export_to(tmp_path / "no such folder" / "report.csv")
    assert "folder does not exist" in blocker.args[0]
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "not written" in boxes[0].text()
    boxes[0].close()
    assert len(window.batch) == window.proxy.rowCount() == rows
    existing = tmp_path / "old.csv"
    existing.write_text("keep me", encoding="utf-8")
    with qtbot.waitSignal(window.controller.export_failed, timeout=30_000) as blocker:
        window.export_to(existing, overwrite=False)
    assert "exists" in blocker.args[0] and existing.read_text(encoding="utf-8") == "keep me"
    QApplication.activeModalWidget() and QApplication.activeModalWidget().close()
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(existing, overwrite=True)  # what the save dialog's "replace" means
    assert existing.read_text(encoding="utf-8-sig").startswith("image_path,")


def test_cancel_stops_a_running_batch_early(window, qtbot, big_folder):
    window.open_paths([big_folder])
    qtbot.waitUntil(lambda: len(window.batch) > 0, timeout=60_000)
    task = window.status.task_status
    assert task.cancel_button.isVisible() and task.isVisible()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=30_000) as blocker:
        task.cancel_button.click()
    cells, complete = blocker.args
    assert not complete and cells == len(window.batch)
    assert cells < 500, f"{cells} of 2000 cells screened after cancel"
    assert not task.cancel_button.isVisible()
    assert "cancelled" in window.statusBar().currentMessage()
    assert window.actions.export.isEnabled()  # the partial batch can still be exported


def test_event_loop_runs_all_through_a_batch(window, qtbot, big_folder):
    from PySide6.QtCore import QTimer

    sizes: list[int] = []  # the batch's size each time the event loop ran a timer
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: sizes.append(len(window.batch)))
    timer.start()
    try:
        screen_and_wait(window, qtbot, [big_folder])
    finally:
        timer.stop()
    assert len(window.batch) == 2000
    # Screening on the UI thread would let the timer run only before and after the batch;
    # how long the loop waits at worst is printed by benchmarks/gui_big_batch.py.
    while_screening = [size for size in sizes if 0 < size < 2000]
    assert len(while_screening) >= 10 and len(set(while_screening)) >= 3, (
        f"the event loop ran {len(while_screening)} times while the batch grew, at sizes "
        f"{sorted(set(while_screening))}")


def test_drop_opens_files_and_folders(window, qtbot, cell_folder):
    folder, reasons = cell_folder
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder / "broken")),
                  QUrl.fromLocalFile(str(folder / "cell_0.png"))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.dropEvent(event)
    assert len(window.batch) == len(reasons) + 1
    assert window.batch.counts.errors == len(reasons)


def test_open_before_the_model_is_ready_waits_for_it(make_window, qtbot, cell_folder):
    window = make_window(start=False)
    window.open_paths([cell_folder[0]])
    assert window.controller.screening and window.status.task_status.isVisible()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000):
        window.start()
    assert len(window.batch) == 12 + len(cell_folder[1])


def test_recent_folders_layout_and_mode_are_remembered(make_window, qtbot, cell_folder,
                                                  fresh_settings):
    window = make_window()
    screen_and_wait(window, qtbot, [cell_folder[0]])
    screen = window.screen().availableGeometry()  # restoring clamps to the screen
    window.resize(min(900, screen.width() - 20), min(700, screen.height() - 40))
    saved = window.size()
    window.batch.set_operator("Kofi")
    window.actions.modes["field"].trigger()
    close_window(window, qtbot)
    assert settings.app_settings().fileName().startswith(str(fresh_settings))
    again = make_window(start=False)
    assert again.size() == saved != QSize(1280, 800)
    assert again.batch.facts.operator == "Kofi"
    assert again.controller.mode == "field" and again.actions.modes["field"].isChecked()
    recent = [action.text() for action in again.actions.recent_menu.actions()]
    assert recent == [str(cell_folder[0].resolve())]


def test_each_widget_keeps_its_own_settings(make_window, qtbot):
    window = make_window(start=False)
    default = window.central.splitter.sizes()
    assert default[0] > default[1]  # the list gets the room
    screen = window.screen().availableGeometry()  # restoring clamps to the screen
    window.resize(min(1100, screen.width() - 20), min(700, screen.height() - 40))
    window.central.splitter.setSizes([1, 10_000])  # the list as narrow as it goes
    window.detail.overlay_box.setChecked(False)
    window.detail.opacity.setValue(70)
    narrow = window.central.splitter.sizes()
    window.close()
    again = make_window(start=False)
    assert again.central.splitter.sizes() == narrow
    assert not again.detail.overlay_box.isChecked() and again.detail.opacity.value() == 70


def test_a_recent_folder_opens_from_its_menu(window, qtbot, cell_folder):
    screen_and_wait(window, qtbot, [cell_folder[0]])
    cells = len(window.batch)
    (recent,) = window.actions.recent_menu.actions()
    with qtbot.waitSignal(window.controller.screening_finished, timeout=60_000) as blocker:
        recent.trigger()
    assert blocker.args == [cells, True] and window.batch.facts.sources == (cell_folder[0].name,)


def test_about_box_shows_version_model_card_and_disclaimer(window, qtbot):
    box = window.show_about()
    text = box.text()
    card = window.controller.classifier.card.to_dict()
    assert __version__ in text and "screening aid, not a diagnosis" in text
    assert f"{card['test_metrics']['accuracy']:.3f}" in text
    assert f"{card['trained_on']['train']['parasitized']:,} parasitized" in text
    assert str(card["created"]) in text
    box.close()


def test_a_path_that_is_gone_is_a_row_of_the_batch_and_its_report(window, qtbot, tmp_path):
    """The window said '1 path not found or unreadable' in a fading note and its report held
    only the other rows: filed alone, it read as the whole batch (the command line's report
    has the row)."""
    cells = make_cell_folder(tmp_path / "cells", 2)[0].parent
    gone = tmp_path / "moved since"
    screen_and_wait(window, qtbot, [cells, gone])
    screen_and_wait(window, qtbot, [cells, gone])  # again, as "screen the rest" does: one row
    assert [(r.path, r.error) for r in window.batch.results if not r.ok] == [
        (gone, "no such file or folder: not screened")]
    report = tmp_path / "r.csv"
    with qtbot.waitSignal(window.controller.export_finished, timeout=30_000):
        window.export_to(report)
    assert [row["status"] for row in read_rows(report)] == ["ok", "ok", "error"]


def test_the_title_names_an_addition_waiting_to_be_screened(window, qtbot, tmp_path):
    """Opened while another screening ran, an addition was left out of the title until every
    screening had ended."""
    make_cell_folder(tmp_path / "first", 4)
    make_cell_folder(tmp_path / "waiting", 3)
    with qtbot.waitSignal(window.controller.screening_finished, timeout=120_000):
        assert window.open_paths([tmp_path / "first"])
        assert window.open_paths([tmp_path / "waiting"])
        assert window.controller.waiting  # the first is screening still
        assert window.windowTitle() == "MalariaScope — first, waiting[*]"
    assert window.windowTitle() == "MalariaScope — first, waiting[*]"


def test_a_first_window_on_a_screen_smaller_than_its_size_fits_the_screen(make_window, qtbot):
    """On a 1280 x 720 laptop screen the window opened at 1280 x 800: its status bar and
    the review buttons were below the screen's edge."""
    window = make_window(start=False, studied_size=False)  # the offscreen screen: 800 x 800
    screen = window.screen().availableGeometry()
    assert screen.height() < 800 + 40  # the first size does not fit with a title bar
    assert window.isMaximized()
    qtbot.waitUntil(lambda: screen.contains(window.frameGeometry()))


def test_every_summary_caption_reads_whole_at_the_windows_narrowest(window, qtbot,
                                                                     cell_folder):
    """At 763 px the last tile's caption read "pects", and at the narrowest it was blank."""
    screen_and_wait(window, qtbot, [cell_folder[0]])
    window.resize(window.minimumSizeHint().width(), 700)
    qtbot.waitUntil(lambda: window.width() < 800)
    for name, stat in window.summary._stats.items():
        if not stat.isVisible():
            continue
        caption = stat.caption
        needed = caption.fontMetrics().boundingRect(
            caption.contentsRect(), Qt.TextFlag.TextWordWrap, caption.text())
        assert caption.width() > 0 and needed.width() <= caption.contentsRect().width(), name
        assert needed.height() <= caption.contentsRect().height(), name
