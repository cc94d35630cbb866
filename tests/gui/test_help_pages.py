"""The Help menu's pages and boxes, each whole on the screen: on the tests' 800 x 800 one, a
laptop's 1366 x 768 under a top panel, and a netbook's 1024 x 600 over a bottom one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QDialog, QTextBrowser

AREAS = {"offscreen": None, "laptop": QRect(0, 27, 1366, 741), "netbook": QRect(0, 0, 1024, 552)}


@pytest.mark.parametrize("area", AREAS.values(), ids=AREAS.keys())
def test_every_help_page_opens_whole_on_the_screen(make_window, qtbot, monkeypatch, area):
    """Help > Keys opened with its title bar above the top of a 1366 x 768 screen, and past
    the right edge of the tests' screen, as did How to read a call: neither could be moved
    with the mouse."""
    if area is not None:
        monkeypatch.setattr(QScreen, "availableGeometry", lambda screen: area)
    window = make_window(start=False)
    actions = window.actions
    for action in (actions.keys, actions.how_to_read, actions.about, actions.data_folder):
        action.trigger()
        dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
        assert window.screen().availableGeometry().contains(dialog.frameGeometry()), action.text()
        for page in dialog.findChildren(QTextBrowser):  # a long page scrolls
            assert page.toPlainText().startswith(action.text().replace("&", "")[:4])
        dialog.close()
        qtbot.waitUntil(lambda dialog=dialog: not dialog.isVisible())


def test_the_keys_sheet_names_the_keys_of_the_list_and_the_case_form(window, qtbot):
    """F1 named no key to select several cells in the gallery or to go round the window
    with Tab, and gave Enter's return to the list in two boxes of the case form of the nine
    that have it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    sheet = next(d for d in window.findChildren(QDialog) if d.isVisible())
    text = sheet.findChild(QTextBrowser).toPlainText()
    for keys in ("Home or End: select the cells on the way", "Tab, Shift+Tab",
                 "In the case form (not Notes) or Threshold"):
        assert keys in text
    sheet.close()


def test_the_keys_sheet_says_esc_stops_nothing_from_a_text_box(window, qtbot):
    """F1 said "Esc: Stop screening or export", but Esc in a text box (the slide id, the
    threshold) stops nothing, on purpose: there it only leaves what is typed."""
    window.actions.keys.trigger()
    sheet = next(d for d in window.findChildren(QDialog) if d.isVisible())
    lines = sheet.findChild(QTextBrowser).toPlainText().splitlines()
    esc = lines.index("Esc")  # a cell of its own, what it does the next
    assert lines[esc + 1] == "Stop screening or export; in a text box Esc stops nothing"
    sheet.close()


@pytest.mark.parametrize("page", ["keys", "how_to_read"])
def test_a_help_page_is_as_tall_as_its_text(window, qtbot, page):
    """The keys sheet opened 110 px taller than its text, a blank band under it: its height
    was measured with the text laid out at the browser's default width, not at the page's."""
    getattr(window.actions, page).trigger()
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
    browser = dialog.findChild(QTextBrowser)
    qtbot.waitUntil(lambda: browser.document().size().width() == browser.viewport().width())
    blank = browser.viewport().height() - browser.document().size().height()
    assert 0 <= blank < 4 and browser.verticalScrollBar().maximum() == 0
    dialog.close()


def test_the_keys_sheet_names_every_way_the_gallery_selects_and_zooms(window, qtbot):
    """F1 named Shift and Ctrl+A for selecting in the gallery, but not Shift+click, Ctrl+click,
    a drag, Ctrl+wheel (the size of the pictures) or the double-click that opens a cell at
    full size: each works there (tests/gui/test_gallery.py, test_cell_window.py)."""
    window.actions.keys.trigger()
    sheet = next(d for d in window.findChildren(QDialog) if d.isVisible())
    lines = sheet.findChild(QTextBrowser).toPlainText().splitlines()
    gallery = lines[next(at for at, line in enumerate(lines)  # the gallery's part of the sheet
                         if line.startswith("In the gallery")):]
    for keys in ("Shift+click", "Ctrl+click", "Drag", "Ctrl+A", "Ctrl+wheel"):
        assert any(keys in line for line in gallery), keys
    assert any(line.startswith("Double-click") for line in lines)
    sheet.close()
