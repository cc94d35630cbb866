"""The printed report's Counts section: the model's calls and those after review, how many
cells were reviewed, the files without a call, those left out as copies and those the model
learned from in adaptation, whose calls are not an independent check.

Qt-free, as :mod:`malariascope.printing.content`, which puts it in its section.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Protocol

from malariascope.core.leftout import COPIES_NOT_RECORDED, LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.withoutcall import WithoutCall, kinds_words
from malariascope.core.words import listed
from malariascope.printing.bidi import isolated

ALERT = "#a40000"  #: the colour of what a reader must not miss


class Counted(Protocol):
    """What is read of a ``content.CaseReport`` (named here, not imported: that module
    calls this one)."""

    result: CaseResult
    uncertain_cells: int | None
    unreadable_names: tuple[str, ...]
    without_call: WithoutCall | None
    copies: LeftOut | None
    learned: str


def counts_html(report: Counted) -> str:
    """The model's calls and those after review, the cells reviewed and not, the files
    without a call, those left out as copies and those the model learned from."""
    result = report.result
    widths = (22, 16, 16, 46)  # label, model's calls, after review, the rest of the line
    head = "".join(f'<td width="{width}%" align="right" style="color:#555">{label}</td>'
                   for label, width in zip(("", "Model's calls", "After review", ""), widths,
                                           strict=True))
    lines = [("Parasitized", result.model_parasitized, result.parasitized),
             ("Uninfected", result.model_uninfected, result.uninfected)]
    body = "".join(f'<tr><td>{label}</td><td align="right">{model:,}</td>'
                   f'<td align="right">{final:,}</td><td></td></tr>'
                   for label, model, final in lines)
    unreviewed = (f"<span style='color:{ALERT}'>{result.unreviewed_flagged:,}</span>"
                  if result.unreviewed_flagged else "0")
    uncertain = ("" if report.uncertain_cells is None
                 else f"Uncertain cells: {report.uncertain_cells:,} &middot; ")
    return (f'<table cellspacing="0" cellpadding="3" width="100%"><tr>{head}</tr>{body}'
            f"</table><p style='margin:3px'>{uncertain}Cells reviewed: {result.reviewed:,} "
            f"&middot; flagged cells (called parasitized or uncertain, or marked unsure) not "
            f"reviewed: {unreviewed}{result.unsure_words} &middot; files without a call: "
            f"{_unreadable(report)}</p>"
            f"{_copies(report.copies)}{_learned(report.learned)}")


def _learned(warning: str) -> str:
    """The warning of the images the model learned from in adaptation ('' when none)."""
    return (f"<p style='margin:3px; color:{ALERT}'><b>{html.escape(warning)}.</b></p>"
            if warning else "")


def _copies(copies: LeftOut | None) -> str:
    """The files left out as copies of others ('' when none), or that nobody recorded them."""
    words = (COPIES_NOT_RECORDED if copies is None
             else replace(copies, named=tuple(map(isolated, copies.named))).words())
    return f"<p style='margin:3px'>{html.escape(words)}</p>" if words else ""


def _unreadable(report: Counted) -> str:
    """How many files had no call, of which kinds, and the first of them by name."""
    count = report.result.unreadable
    names = tuple(map(isolated, report.unreadable_names))
    told = [kinds_words(count, report.without_call), listed(names, count) if names else ""]
    words = "; ".join(part for part in told if part)
    return f"{count:,} ({html.escape(words)})" if words else f"{count:,}"
