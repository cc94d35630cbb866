"""Colours of text that warns, reassures or steps back (a count short of its target, a case
signed, a row's caption), readable on the app's palette, light or dark.

Each colour is named as it looks on a light window; on another background its lightness is
moved away from the background's, its hue kept, until the two stand as far apart as WCAG
asks of text (4.5:1): a dark red on a light window, a light red on a dark one. A widget
coloured so is coloured again when the app's palette changes (:func:`follow_palette`): the
desktop switched between light and dark.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

ALERT, DONE, QUIET, CAUTION = "#a40000", "#2e7d32", "#666666", "#b45309"
MIN_CONTRAST = 4.5  # WCAG AA for text of ordinary size
_STEP = 0.02  # of HSL lightness, 0 to 1


def readable(colour: str | QColor,
             role: QPalette.ColorRole = QPalette.ColorRole.Window) -> QColor:
    """``colour`` as text drawn on the app palette's ``role`` (Base for a list's cells)."""
    background = QGuiApplication.palette().color(role)
    return QColor.fromRgba(_readable(QColor(colour).rgba(), background.rgba()))


def readable_name(colour: str | QColor) -> str:
    """``colour`` as text on the window, named for a style sheet or rich text."""
    return readable(colour).name()


def colour_text(widget: QWidget, colour: str | QColor, more: str = "") -> None:
    """Draw the text of ``widget`` in ``colour`` made readable on the app's palette, now and
    whenever the palette changes; ``more`` adds to its style sheet (``font-weight: bold``)."""
    def restyle() -> None:
        widget.setStyleSheet(
            "; ".join(part for part in (f"color: {readable_name(colour)}", more) if part))

    restyle()
    follow_palette(widget, restyle)


def follow_palette(owner: QObject, restyle: Callable[[], None]) -> None:
    """Call ``restyle`` whenever the app's palette changes, for as long as ``owner`` lives:
    colours read from the palette are read again."""
    _PaletteFollower(owner, restyle)


class _PaletteFollower(QObject):
    """Calls its ``restyle`` at each change of the app's palette; deleted with its parent,
    which ends the calls."""

    def __init__(self, parent: QObject, restyle: Callable[[], None]) -> None:
        super().__init__(parent)
        self._restyle = restyle
        QGuiApplication.instance().paletteChanged.connect(self.restyle)

    def restyle(self, *_: object) -> None:
        self._restyle()


def contrast(one: QColor, other: QColor) -> float:
    """The WCAG contrast ratio of two colours: 1 (the same) to 21 (black on white)."""
    darker, lighter = sorted((_luminance(one), _luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: QColor) -> float:
    """WCAG's relative luminance of ``colour``, 0 (black) to 1 (white)."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return (0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF())
            + 0.0722 * linear(colour.blueF()))


@lru_cache(maxsize=64)  # a list asks for its cells' colours at every paint
def _readable(colour: int, background: int) -> int:
    text, behind = QColor.fromRgba(colour), QColor.fromRgba(background)
    hue, saturation, lightness, _ = text.getHslF()
    step = _STEP if behind.lightnessF() < 0.5 else -_STEP
    while contrast(text, behind) < MIN_CONTRAST and 0.0 < lightness < 1.0:
        lightness = min(max(lightness + step, 0.0), 1.0)
        text = QColor.fromHslF(max(hue, 0.0), saturation, lightness)  # a grey's hue is -1
    return text.rgba()
