"""The Help menu's pages: the window's keys (F1), and how to read a call.

Both are built when asked, from the window's own actions and the call rule in force, so they
say what the window does now: its keys, its threshold and field threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import zip_longest
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope.gui.dialogs import DISCLAIMER, message

if TYPE_CHECKING:
    from malariascope.core.classifier import CallRule

KEYS_WIDTH = 720  #: px of the keys sheet's text: two columns on a 768 px high screen
#: Keys that belong to a widget rather than to an action.
WIDGET_KEYS = (
    ("Up, Down, PgUp, PgDn", "Move through the cell list (Home, End: to its ends)"),
    ("Enter", "In Slide id, Microscopist or Threshold: apply, and give the keys back to the list"),
    ("Wheel, drag", "On the whole field: zoom at the cursor, pan; a click selects a cell"),
)


def keys_html(sheet: Sequence[tuple[str, str]]) -> str:
    """The keys sheet: the actions' keys (``WindowActions.key_sheet``), then the list's, in
    two columns read down, so the page fits a laptop's screen."""
    cells = [f"<td><b>{escape(keys)}</b></td><td>{escape(what)}</td>"
             for keys, what in (*sheet, *WIDGET_KEYS)]
    half = (len(cells) + 1) // 2
    rows = "".join(f'<tr>{left}<td width="16"></td>{right}</tr>'
                   for left, right in zip_longest(cells[:half], cells[half:], fillvalue=""))
    return ("<h3>Keys</h3><p>The review keys work wherever the cell list has the keys; "
            "typing in a text box never reviews a cell.</p>"
            f'<table cellspacing="0" cellpadding="2">{rows}</table>')


def how_to_read_html(rule: CallRule | None) -> str:
    """How a call is made and what to look at, with the thresholds of ``rule`` (None: the
    model is not loaded yet)."""
    threshold = "the threshold" if rule is None else f"the threshold (now {rule.threshold:.3f})"
    band = "" if rule is None else f" (now {rule.band[0]:.3f} to {rule.band[1]:.3f})"
    field = "a stricter field threshold"
    if rule is not None and rule.field_threshold is not None:
        field += f" (now {rule.field_threshold:.3f})"
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
        "parasitemia. A field cell between the two thresholds is <i>uncertain</i> (outlined "
        "in amber), so nothing suspicious goes unreviewed. The Threshold line under the "
        "selected cell says which of the two called it.</p>",
        "<p><b>Grad-CAM</b>: the coloured overlay shows where in the image the model found "
        "the evidence for its call, from dark purple (little) through red to pale yellow "
        "(strongest), as the bar beside it reads. For a cell called parasitized or uncertain "
        "it shows where a parasite may be; for an uninfected call, what looked healthy. It is "
        "a guide to where to look, not proof: judge the cell itself.</p>",
        "<p><b>Final call</b>: your review. P and U set it, Space accepts the model's call, "
        "Backspace takes the review back. The report keeps the model's call, what you pressed, "
        "who and when.</p>",
        f"<p><b>{escape(DISCLAIMER)}</b></p>",
    ]
    return "".join(parts)


def show_keys(parent: QWidget, sheet: Sequence[tuple[str, str]]) -> QMessageBox:
    """Open the keys sheet without blocking; returns it."""
    box = message(parent, QMessageBox.Icon.NoIcon, "Keys", keys_html(sheet))
    box.setStyleSheet(f"QLabel {{ min-width: {KEYS_WIDTH}px; }}")  # room for two columns
    return box


def show_how_to_read(parent: QWidget, rule: CallRule | None) -> QMessageBox:
    """Open the page on reading a call without blocking; returns it."""
    return message(parent, QMessageBox.Icon.NoIcon, "How to read a call", how_to_read_html(rule))
