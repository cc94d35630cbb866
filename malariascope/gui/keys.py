"""Where the keys of a window go: to its cell list at start and after every dialog, and to its
actions from its text boxes for every shortcut but typing and editing.

Review keys are plain letters, Space and Backspace, which a text box keeps: typing a sample id
never reviews a cell, nor does a letter typed to pick an item of a drop-down (which, unlike a
line edit, does not claim them from the window's shortcuts itself). A text box also keeps the
editing keys of every platform (copy, paste, select all, undo), and Esc: pressed there to
leave what is typed, it never stops the screening. A button that has the keys
(Tab took them there) keeps Space, which presses it, rather than confirm a cell. Any other
shortcut of the window, with Ctrl, Alt or a function key, goes to its action even where the
text box has a use for it (X11's emacs keys make Ctrl+E "end of line"), so Ctrl+E exports from
the sample id box too.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

TEXT_BOXES = (QLineEdit, QAbstractSpinBox, QComboBox, QTextEdit, QPlainTextEdit)
MOVE_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right,
             Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End)
_KEY = QKeySequence.StandardKey
EDITING_KEYS = (_KEY.Copy, _KEY.Cut, _KEY.Paste, _KEY.SelectAll, _KEY.Undo, _KEY.Redo)
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


def is_typing(event: QKeyEvent) -> bool:
    """True for a key that types or deletes: printable text or Backspace, no Ctrl, Alt or Meta."""
    if event.modifiers() & _COMMAND_MODIFIERS:
        return False
    text = event.text()
    return event.key() == Qt.Key.Key_Backspace or (bool(text) and text.isprintable())


def _kept_by_text_box(event: QKeyEvent) -> bool:
    """True for a key a text box keeps from the window's shortcuts: typing, and Esc."""
    return is_typing(event) or event.key() == Qt.Key.Key_Escape


def _presses(event: QKeyEvent) -> bool:
    """True for Space with no modifier: the key that presses a button that has the keys."""
    return event.key() == Qt.Key.Key_Space and not event.modifiers()


class KeyRouting(QObject):
    """Gives ``home`` (the cell list) the keys of ``window`` at once and whenever a dialog of
    the window closes, lets the window's shortcuts through its text boxes, and leaves Space to
    its buttons.

    Dialogs are found as they are made (children of the window, polished before they show),
    text boxes and buttons as they take the focus, so widgets added later are covered too.
    """

    def __init__(self, window: QWidget, home: QWidget) -> None:
        super().__init__(window)
        self._window, self._home = window, home
        window.installEventFilter(self)
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        home.setFocus()  # taken when the window is first activated

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.ChildPolished and isinstance(event.child(), QDialog):
            event.child().installEventFilter(self)  # installed once however often polished
        elif kind == QEvent.Type.Hide and isinstance(watched, QDialog):
            self._home.setFocus()  # Qt gives it the keys as the window becomes active again
        elif kind == QEvent.Type.ShortcutOverride:
            if self.for_actions(event):
                event.ignore()  # not taken by the text box: the shortcut fires
                return True
            keeps = (_kept_by_text_box(event) if isinstance(watched, TEXT_BOXES)
                     else isinstance(watched, QAbstractButton) and _presses(event))
            if keeps:
                event.accept()  # the text box's or the button's: no shortcut fires
                return True
        return False

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, (*TEXT_BOXES, QAbstractButton)) and new.window() is self._window:
            new.installEventFilter(self)

    def for_actions(self, event: QKeyEvent) -> bool:
        """True when a key pressed in a text box belongs to one of the window's actions."""
        command = bool(event.modifiers() & _COMMAND_MODIFIERS)
        if not (command or Qt.Key.Key_F1 <= event.key() <= Qt.Key.Key_F35):
            return False  # typing: letters, Space, Backspace, arrows
        if any(event.matches(key) for key in EDITING_KEYS):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = Qt.Key(event.key())
        unshifted = modifiers & ~Qt.KeyboardModifier.ShiftModifier  # Ctrl++ is typed with Shift
        pressed = [QKeySequence(QKeyCombination(held, key)) for held in (modifiers, unshifted)]
        return any(action.isEnabled() and any(keys in action.shortcuts() for keys in pressed)
                   for action in QWidget.actions(self._window))
