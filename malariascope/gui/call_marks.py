"""A cell's call and review told by more than colour, alike in the field view and the gallery.

Under red-green colour blindness the red of parasitized and the green of uninfected are one
olive, so each call also has a line in the field (parasitized thick and solid, uncertain
dashed, uninfected thin) and a letter under its tile in the gallery. A review keeps the list's
own symbols and words (``REVIEW_TEXT``): a tick on the outline in the field, "✓ confirmed",
"✎ overridden" or "? unsure" in the gallery.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from malariascope.gui.batch import PARASITIZED, UNINFECTED, Batch
from malariascope.gui.results_table import REVIEW_TEXT, call_colour

CALL_LETTERS = {PARASITIZED: "P", UNINFECTED: "U"}
UNCERTAIN_MARK = "⚠ uncertain"  # an uncertain cell not reviewed yet, as the status bar flags it
#: Outline widths in screen pixels: a parasitized cell stands out of a field of healthy ones.
PARASITIZED_WIDTH, UNCERTAIN_WIDTH, UNINFECTED_WIDTH = 3.5, 2.5, 1.5
UNCERTAIN_DASHES = [2.0, 1.5]  # dash and gap, in pen widths
TICK_SIDE = 12.0  # the review tick's width on the outline, in screen pixels


def call_mark(batch: Batch, row: int) -> str:
    """The final call's letter, then the review's symbol and word ("P ✓ confirmed",
    "U ✎ overridden", "P ? unsure"), or "⚠ uncertain" while an uncertain cell waits for its
    review; empty for a row without a call."""
    final = batch.final_call(row)
    if not final:
        return ""
    review = REVIEW_TEXT[batch.review(row)]
    if not review and batch.uncertain(row):
        review = UNCERTAIN_MARK
    return f"{CALL_LETTERS[final]} {review}".strip()


def outline_pen(batch: Batch, row: int) -> QPen:
    """The pen of a cell's outline in the field: its call's colour, and a width and style
    that tell the calls apart without it."""
    pen = QPen(call_colour(batch, row))
    if batch.uncertain(row) and not batch.reviewed(row):
        pen.setWidthF(UNCERTAIN_WIDTH)
        pen.setDashPattern(UNCERTAIN_DASHES)
    elif batch.final_call(row) == PARASITIZED:
        pen.setWidthF(PARASITIZED_WIDTH)
    else:
        pen.setWidthF(UNINFECTED_WIDTH)
    return pen


def paint_review_tick(painter: QPainter, outline: QRectF, colour: QColor) -> None:
    """A tick on the upper right of a reviewed cell's ``outline`` (the ellipse in it), edged
    in white so it shows on the stain and on its neighbours' outlines."""
    corner = outline.center() + QPointF(outline.width(), -outline.height()) * (0.5 ** 1.5)
    side = min(TICK_SIDE, outline.width() / 2)
    tick = [corner + QPointF(-side / 2, 0), corner + QPointF(-side / 6, side / 3),
            corner + QPointF(side / 2, -side / 2)]
    for pen in (QPen(QColor("white"), 4.5), QPen(colour, 2)):
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPolyline(tick)
