"""An adaptation's cells and held-out figures in the one plain wording that the command line,
the window and the adapted model's README share: each lays these words out (aligned lines,
an HTML table, a Markdown table) and none adds words of its own.

Each function takes the facts an adapted card keeps under ``adapted``
(``Adaptation.facts()``, or a card read back), so a model's README words its figures as the
adaptation that wrote it did."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from malariascope.core.tally import PARASITIZED, UNINFECTED
from malariascope.core.words import counted

if TYPE_CHECKING:  # sources pull in numpy and OpenCV, which the window imports late
    from malariascope.core.adapt.sources import SourceRecord

#: (words, figure key, how it is shown): rates as percentages, the ranking as a number.
FIGURES = (
    ("Ranking of cells (AUC)", "auc", "{:.3f}"),
    ("Parasitized cells flagged (sensitivity)", "sensitivity", "{:.1%}"),
    ("Uninfected cells left unflagged (specificity)", "specificity", "{:.1%}"),
    ("Balanced accuracy (the mean of those two)", "balanced_accuracy", "{:.1%}"),
    ("Parasitized cells of whole fields counted (sensitivity at the field threshold)",
     "field_sensitivity", "{:.1%}"),
    ("Uninfected cells of whole fields left uncounted (specificity at the field threshold)",
     "field_specificity", "{:.1%}"),
    ("Cells of whole fields counted parasitized ({labelled:,} labelled so)", "counted", "{:,}"),
)
HEADINGS = ("Before", "Adapted")  #: of the figures' columns: the base model, the adapted one
RANKING = ("The ranking of cells (AUC) is the chance that a parasitized cell scores above an "
           "uninfected one: 1 ranks every cell right, 0.5 is no better than a coin.")
TEXT_WIDTH = 88  #: of the command line's paragraphs
#: The kinds of source whose labelled cells are those a reviewer chose to call.
REVIEWED_REPORT, REGISTER_CASE = "reviewed report", "register case"
REVIEWED_ONLY = (" Cells from reviewed reports and cases are only those a reviewer called: where "
                 "the review took the flagged or uncertain cells, the figures are of those "
                 "cells, not of every cell of a smear.")


def sentences(facts: dict) -> tuple[str, str]:
    """What the adaptation was fitted on (and the repeated cells left out), and how its
    figures were measured: on cells the adapted model was not fitted on (of reviews, only
    the cells a reviewer called)."""
    base, cells = facts["base_model"], facts["cells"]
    name = " ".join(filter(None, (base["name"], base["version"])))
    return (f"Adapted from {name} on {cells[PARASITIZED]:,} parasitized and "
            f"{cells[UNINFECTED]:,} uninfected cells from {facts['groups']} fields or slides."
            + _repeats_sentence(facts.get("repeated", 0)),
            "Both models were measured on cells the adapted model had not learned from: the "
            f"fields or slides were split into {facts['held_out']['folds']} parts, and each was "
            "held out in turn while the model was fitted again on the others, then measured on the "
            "cells held out." + _reviewed_sentence(facts.get("sources", ())))


def _reviewed_sentence(sources: Iterable[dict]) -> str:
    """That the figures are of the reviewed cells alone, after a space, when a reviewed
    report or case is among ``sources`` ('' when none is)."""
    kinds = {source.get("kind") for source in sources}
    return REVIEWED_ONLY if kinds & {REVIEWED_REPORT, REGISTER_CASE} else ""


def _repeats_sentence(repeated: int) -> str:
    """The repeated cells left out, in a sentence after a space ('' when there were none)."""
    if not repeated:
        return ""
    left = counted(repeated, "repeated cell was", "repeated cells were")
    return (f" {left} left out: a cell given again, by another source or twice by one (the "
            "same image, and the same box in a field), is used once.")


def figure_rows(facts: dict) -> list[tuple[str, str, str]]:
    """``(words, before, adapted)`` of each figure measured, shown as :data:`FIGURES` says."""
    before, after = facts["held_out"]["before"], facts["held_out"]["after"]
    return [(words.format(labelled=after["parasitized_in_fields"]), shown.format(before[key]),
             shown.format(after[key]))
            for words, key, shown in FIGURES if after.get(key) is not None]


def as_text(facts: dict) -> str:
    """The sentences, the figures in aligned columns and what the ranking means, as plain
    text for the command line."""
    rows = [("", *HEADINGS), *figure_rows(facts)]
    wide = [max(len(row[i]) for row in rows) for i in range(3)]
    table = [f"{words:{wide[0]}}  {before:>{wide[1]}}  {after:>{wide[2]}}".rstrip()
             for words, before, after in rows]
    fitted, measured = (textwrap.fill(text, TEXT_WIDTH) for text in sentences(facts))
    return "\n".join([fitted, measured, "", *table, "", textwrap.fill(RANKING, TEXT_WIDTH)])


def skipped_lines(records: Iterable[SourceRecord]) -> list[str]:
    """What each source left out (unreadable, its annotations not fitting, a reviewed cell not
    found again), and why the first was: beside the figures, or a refusal."""
    return [f"{record.path}: {counted(record.skipped, 'image or cell', 'images or cells')} "
            f"skipped (the first: {record.why_skipped})" for record in records if record.skipped]
