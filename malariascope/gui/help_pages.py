"""The Help menu's pages: the window's keys (F1), how to read a call, About and the data
folder, each whole on the screen.

The first two are built when asked, from the window's own actions and the call rule in
force, so they say what the window does now: its keys, its threshold and field threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import zip_longest
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from malariascope.core.words import band_words, threshold_words
from malariascope.gui import info_boxes
from malariascope.gui.info_boxes import DISCLAIMER
from malariascope.gui.on_screen import fit_on_screen

if TYPE_CHECKING:
    from malariascope.core.classifier import CallRule, Classifier

KEYS_WIDTH = 720  #: px of the keys sheet's text: two columns on a 768 px high screen
READING_WIDTH = 520  #: px of the page on reading a call
#: Keys that belong to a widget rather than to an action.
WIDGET_KEYS = (
    ("Up, Down, PgUp, PgDn", "Move through the cell list (Home, End: to its ends)"),
    ("Tab, Shift+Tab", "Round the list and the case form"),
    ("Enter", "In the case form (not Notes) or Threshold: apply, keys back to the list"),
    ("Double-click", "A cell of the list or the gallery: open it at full size"),
    ("Wheel, drag", "On the whole field: zoom at the cursor, pan; a click selects a cell"),
)
#: The gallery's own keys and mouse (``gallery_view``: extended selection, Ctrl+wheel).
GALLERY_KEYS = (
    ("Shift", "with the arrows, PgUp, PgDn, Home or End: select the cells on the way"),
    ("Shift+click", "select the cells from the current one to it"),
    ("Ctrl+click", "add a cell to the selection or take it out"),
    ("Drag", "select the cells the rectangle touches"),
    ("Ctrl+A", "select every cell shown"),
    ("Ctrl+wheel", "larger or smaller pictures (the wheel alone scrolls)"),
)


def keys_html(sheet: Sequence[tuple[str, str]]) -> str:
    """The keys sheet: the actions' keys (``WindowActions.key_sheet``), then the list's, in
    two columns read down, so the page fits a laptop's screen; then the gallery's, in one
    paragraph."""
    cells = [f"<td><b>{escape(keys)}</b></td><td>{escape(what)}</td>"
             for keys, what in (*sheet, *WIDGET_KEYS)]
    half = (len(cells) + 1) // 2
    rows = "".join(f'<tr>{left}<td width="16"></td>{right}</tr>'
                   for left, right in zip_longest(cells[:half], cells[half:], fillvalue=""))
    gallery = "; ".join(f"<b>{escape(keys)}</b>: {escape(what)}" for keys, what in GALLERY_KEYS)
    return ("<h3>Keys</h3><p>The review keys work wherever the cell list has the keys; "
            "typing in a text box never reviews a cell.</p>"
            f'<table cellspacing="0" cellpadding="2">{rows}</table>'
            "<p><b>In the gallery</b> the arrows move from cell to cell and the review keys act "
            f"on every cell selected. {gallery}.</p>")


def how_to_read_html(rule: CallRule | None) -> str:
    """How a call is made and what to look at, with the thresholds of ``rule`` (None: the
    model is not loaded yet)."""
    threshold = "the threshold" if rule is None else (
        f"the threshold (now {threshold_words(rule.threshold)})")
    band = "" if rule is None else f" (now {band_words(rule.band)})"
    field, field_band = "a stricter field threshold", ""
    if rule is not None and rule.field_threshold is not None:
        field += f" (now {threshold_words(rule.field_threshold)})"
        field_band = f" (now {band_words(rule.field_band)})"
    parts = [
        "<h3>How to read a call</h3>",
        "<p><b>P(parasitized)</b> is the model's probability, from 0 to 1, that the cell is "
        f"parasitized. At or above {threshold} the call is <b>parasitized</b>, below it "
        "<b>uninfected</b>. Moving the threshold re-labels the whole batch at once; nothing "
        "is screened again, and <i>Model default</i> brings back the threshold of the card "
        "of the model that called the cells.</p>",
        f"<p><b>Uncertain</b>: a band around the threshold{band} where the model is least "
        "sure. Review these cells first (View, Uncertain: Ctrl+4); on smears from other labs, "
        "infected cells are often among them.</p>",
        "<p><b>Field threshold</b>: the cells found in a whole field are called parasitized "
        f"only at or above {field}, which moves with the threshold. A field is mostly healthy "
        "cells, and the few false calls of the screening threshold would swamp its "
        "parasitemia. A field cell from the threshold to just above the field threshold"
        f"{field_band} is <i>uncertain</i> (outlined in dashed amber), so nothing suspicious goes "
        "unreviewed. The Threshold line under the selected cell says which of the two called "
        "it.</p>",
        "<p><b>Grad-CAM</b>: the coloured overlay shows where in the image the model found "
        "the evidence for its call, from dark purple (little) through red to pale yellow "
        "(strongest), as the bar beside it reads. For a cell called parasitized or uncertain "
        "it shows where a parasite may be; for an uninfected call, what looked healthy. It is "
        "a guide to where to look, not proof: judge the cell itself.</p>",
        "<p><b>Final call</b>: your review. P and U set it, Space accepts the model's call, "
        "Backspace takes the review back. The report keeps the model's call, what you pressed, "
        "who and when. In a whole field a parasitized cell is outlined thick, an uninfected one "
        "thin, and a reviewed cell has a tick; under a tile of the gallery, P or U is the final "
        "call, then ✓ confirmed, ✎ overridden or ? unsure.</p>",
        f"<p><b>{escape(DISCLAIMER)}</b></p>",
    ]
    return "".join(parts)


class HelpPage(QDialog):
    """A help page: its text ``width`` px wide, as tall as it needs where the screen has the
    room, and scrolled where it has not; OK closes it."""

    def __init__(self, parent: QWidget, title: str, html: str, width: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.text = QTextBrowser()
        self.text.setHtml(html)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        # measured on a copy: the browser lays its own text out again at its own width
        page = self.text.document().clone()
        page.setTextWidth(width)
        frame = 2 * self.text.frameWidth()
        text = QSize(width + frame, round(page.size().height()) + frame)
        self.resize(text + self.sizeHint() - self.text.sizeHint())


def show_page(parent: QWidget, title: str, html: str, width: int) -> HelpPage:
    """Open a help page window-modal without blocking, whole on the screen; returns it."""
    page = HelpPage(parent, title, html, width)
    page.open()
    return fit_on_screen(page)


def show_keys(parent: QWidget, sheet: Sequence[tuple[str, str]]) -> HelpPage:
    """Open the keys sheet without blocking; returns it."""
    return show_page(parent, "Keys", keys_html(sheet), KEYS_WIDTH)


def show_how_to_read(parent: QWidget, rule: CallRule | None) -> HelpPage:
    """Open the page on reading a call without blocking; returns it."""
    return show_page(parent, "How to read a call", how_to_read_html(rule), READING_WIDTH)


def show_about(parent: QWidget, classifier: Classifier | None) -> QMessageBox:
    """Open the About box, with the card of ``classifier`` if loaded, whole on the screen."""
    card = classifier.card.to_dict() if classifier else None
    return fit_on_screen(info_boxes.show_about(parent, card,
                                               classifier.model_name if classifier else ""))


def show_data_folder(parent: QWidget) -> QMessageBox:
    """Open the box naming the data folder, whole on the screen."""
    return fit_on_screen(info_boxes.show_data_folder(parent))
