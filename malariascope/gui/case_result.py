"""The slide's result as the case tab shows it: count against target, parasitemia with its
95 % Wilson interval, parasites per µL, counts before and after review, the sign-off, and
what the result cannot say.

It follows the batch's events: the figures are a few sums the batch keeps up to date, so
redrawing at every chunk or review costs a label's text.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from malariascope.core.clock import utc_minute
from malariascope.core.parasitemia import CaseResult
from malariascope.core.tally import percent_text
from malariascope.core.withoutcall import WithoutCall, kinds_words
from malariascope.core.words import counted, not_screened_words
from malariascope.gui.case_state import OpenCase
from malariascope.gui.text_colour import ALERT, DONE, QUIET, follow_palette, readable_name
from malariascope.printing.amendments import amendments_html

if TYPE_CHECKING:
    from malariascope.gui.controller import ScreeningController

def count_text(result: CaseResult) -> str:
    """Red cells counted against the target, and whether it is reached (plain text)."""
    counted = f"{result.cells_counted:,} / {result.target_cells:,} red cells counted"
    if result.target_reached:
        return f"{counted}: target reached"
    return f"{counted}: {result.target_cells - result.cells_counted:,} to go"


def parasitemia_text(result: CaseResult) -> str:
    """The parasitemia with its 95 % Wilson interval (plain text); a dash before any cell."""
    if result.parasitemia is None or result.interval is None:
        return "–"
    low, high = result.interval
    return (f"{percent_text(result.parasitemia)} % (95 % CI {percent_text(low)} to "
            f"{percent_text(high)} %)")


def without_call_text(result: CaseResult, without_call: WithoutCall | None = None) -> str:
    """The files of ``result`` without a call, by kind where ``without_call`` tells them:
    "1 file (1 unreadable), not counted" ('' when none)."""
    if not result.unreadable:
        return ""
    files = counted(result.unreadable, "file")
    if kinds := kinds_words(result.unreadable, without_call):
        files += f" ({kinds})"
    return f"{files}, not counted"


def result_html(result: CaseResult, without_call: WithoutCall | None = None) -> str:
    """The figures of ``result`` as rich text for a label; its files without a call by kind,
    as the batch has them ``without_call``."""
    colour = readable_name(DONE if result.target_reached else ALERT)
    shown = result.density_words()
    density = (f"<b>{shown[0]}</b>{escape(shown[1])}" if shown is not None
               else result.density_not_counted
               or "not given: enter the red cell count per µL to get it")
    flagged = (f"<span style='color:{readable_name(ALERT)}'>"
               f"<b>{result.unreviewed_flagged:,}</b></span>" if result.unreviewed_flagged else "0")
    interval = ", Wilson interval" if result.interval is not None else ""  # none before a cell
    rows = [("Counted", f"<span style='color:{colour}'>{escape(count_text(result))}</span>"),
            ("Parasitemia", f"<b>{escape(parasitemia_text(result))}</b>{interval}"),
            ("Parasites per µL", density),
            ("Parasitized", f"{result.model_parasitized:,} by the model, "
                            f"{result.parasitized:,} after review"),
            ("Uninfected", f"{result.model_uninfected:,} by the model, "
                           f"{result.uninfected:,} after review"),
            ("Reviewed", f"{counted(result.reviewed, 'cell')}; flagged cells not reviewed: "
                         f"{flagged}{result.unsure_words}")]
    if without := without_call_text(result, without_call):
        rows.append(("Without a call", without))
    return "<table cellspacing='0' cellpadding='2'>" + "".join(
        f"<tr><td style='color:{readable_name(QUIET)}'>{label}&nbsp;</td><td>{value}</td></tr>"
        for label, value in rows) + "</table>"


def signoff_html(case: OpenCase) -> str:
    """Who signed and when, or that the result is preliminary; each amendment with the
    signed result it replaced, and those withdrawn unchanged (as the printed report words
    them)."""
    signed = case.case.signed
    amendments = case.case.amendments
    if signed is None:
        kept = ("the signed version is kept" if len(amendments) == 1 else
                f"the {len(amendments)} signed versions are kept")  # one kept by each amendment
        text = (f"<p style='color:{readable_name(ALERT)}'><b>Not signed</b>: a preliminary result"
                + (f" (amended {counted(len(amendments), 'time')}; {kept})" if amendments
                   else "") + ".</p>")
    else:
        signature = signed.signature
        text = (f"<p style='color:{readable_name(DONE)}'><b>Signed</b> by "
                f"{escape(signature.name)} on "
                f"{escape(utc_minute(signature.signed_at))}; flagged cells not reviewed then: "
                f"{signature.unreviewed_flagged:,}{signed.result.unsure_words}. Read-only: amend "
                "it to change it.</p>")
    return text + f"<div style='color:{readable_name(QUIET)}'>{amendments_html(case.case)}</div>"


class CaseResultView(QLabel):
    """The result, sign-off and limits of ``case``, as one label that follows the batch and
    its ``controller``: a screening stopped short of the batch's end heads the limits, as it
    heads the signature and the printed report."""

    def __init__(self, case: OpenCase, controller: ScreeningController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case, self.controller = case, controller
        self._partial = ""  # what the last screening left unscreened, once it stopped
        self.setWordWrap(True)
        self.setTextFormat(self.textFormat().RichText)
        case.batch.events.changed.connect(self._on_changed)
        case.batch.events.facts_changed.connect(self._on_changed)
        controller.unlike.changed.connect(self._on_changed)
        controller.idle.connect(self._on_idle)  # a screening stopped, or ended
        controller.progress.connect(self._on_busy)
        follow_palette(self, self._on_changed)  # its colours are in its text
        self._on_idle()

    def _on_idle(self, *_: object) -> None:
        """Count what the screening left out when the batch comes to rest: a pass over its
        files, not made at every review."""
        controller = self.controller
        self._partial = "" if controller.screening else not_screened_words(
            controller.not_screened())
        self._on_changed()

    def _on_busy(self, *_: object) -> None:
        """A screening running says nothing yet of what it will leave out."""
        if self._partial and self.controller.screening:
            self._partial = ""
            self._on_changed()

    def _on_changed(self, *_: object) -> None:
        result = self.case.result()
        limits = "".join(f"<li>{escape(line)}</li>"
                         for line in (self._partial, *result.limits()) if line)
        without_call, quiet = self.case.batch.counts.without_call, readable_name(QUIET)
        self.setText(f"<p><b>Result of the slide</b></p>{result_html(result, without_call)}"
                     f"{signoff_html(self.case)}"
                     f"<p style='color:{quiet}'>Limits of this result:</p>"
                     f"<ul style='color:{quiet}; margin-left:-20px'>{limits}</ul>")
