"""The toolbar's Review queue button in step with the view, both ways, in the real window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from malariascope.gui.results_proxy import Filter
from tests.gui.helpers import screen_and_wait
from tests.gui.test_gallery import _gallery, cells  # noqa: F401 (a fixture)


def test_the_review_queue_button_is_on_exactly_while_the_queue_shows(
        window, qtbot, cells):  # noqa: F811
    """The button never showed as on while the review queue was the view shown, so a
    technician could not tell the queue from the gallery with the To review filter."""
    screen_and_wait(window, qtbot, [cells])
    queue = window.actions.review_queue
    button = next(b for b in window.findChildren(QToolButton) if b.defaultAction() is queue)
    gallery = _gallery(window, qtbot)
    assert not button.isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_Q)
    assert button.isChecked() and window.actions.filters[Filter.TO_REVIEW].isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Show: All
    assert not button.isChecked()
    qtbot.keyClick(gallery, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)  # To review
    assert button.isChecked()  # the gallery of the queue's cells is the queue
    qtbot.keyClick(gallery, Qt.Key.Key_G)  # the table
    assert not button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked() and window.lists.gallery_shown()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # off: every cell, in the gallery
    assert not button.isChecked() and window.actions.filters[Filter.ALL].isChecked()
    assert window.lists.gallery_shown()
