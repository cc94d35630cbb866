"""An adaptation's held-out figures in the core's plain words (``core.adapt.wording``),
laid out for the window's results box."""

from __future__ import annotations

from html import escape

from malariascope.core.adapt.wording import HEADINGS, RANKING, figure_rows, sentences


def results_html(facts: dict) -> str:
    """What the adaptation was fitted on, how it was measured and its figures, base model
    against adapted, as rich text; ``facts`` are ``Adaptation.facts()``."""
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in sentences(facts))
    headings = "".join(f"<th>{escape(heading)}</th>" for heading in HEADINGS)
    rows = "".join(f"<tr><td>{escape(words)}</td><td align='right'>{escape(before)}</td>"
                   f"<td align='right'>{escape(after)}</td></tr>"
                   for words, before, after in figure_rows(facts))
    return (f"{paragraphs}<table cellspacing='6'><tr><th></th>{headings}</tr>{rows}</table>"
            f"<p>{escape(RANKING)}</p>")
