"""An adaptation's cells and held-out figures in the one plain wording that the command line
and the window share: the window lays these words out as a table, the command line as
aligned lines, and neither adds words of its own."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from malariascope.core.tally import PARASITIZED, UNINFECTED

if TYPE_CHECKING:
    from malariascope.core.adapt.run import Adaptation

#: (words, figure key, how it is shown): rates as percentages, the ranking as a number.
FIGURES = (
    ("Ranking of cells (AUC)", "auc", "{:.3f}"),
    ("Parasitized cells flagged (sensitivity)", "sensitivity", "{:.1%}"),
    ("Uninfected cells left unflagged (specificity)", "specificity", "{:.1%}"),
    ("Balanced accuracy (the mean of those two)", "balanced_accuracy", "{:.1%}"),
    ("Cells of whole fields counted parasitized ({labelled:,} labelled so)", "counted", "{:,}"),
)
HEADINGS = ("Before", "Adapted")  #: of the figures' columns: the base model, the adapted one
RANKING = ("The ranking of cells (AUC) is the chance that a parasitized cell scores above an "
           "uninfected one: 1 ranks every cell right, 0.5 is no better than a coin.")
TEXT_WIDTH = 88  #: of the command line's paragraphs


def sentences(adaptation: Adaptation) -> tuple[str, str]:
    """What the adaptation was fitted on, and how its figures were measured: on cells the
    adapted model was not fitted on."""
    cells = adaptation.cells
    return (f"Adapted from {adaptation.base.model_name} on {cells[PARASITIZED]:,} parasitized "
            f"and {cells[UNINFECTED]:,} uninfected cells from {adaptation.groups} fields or "
            "slides.",
            "Both models were measured on cells the adapted model had not learned from: the "
            f"fields or slides were split into {adaptation.folds} parts, and each was held "
            "out in turn while the model was fitted again on the others, then measured on the "
            "cells held out.")


def figure_rows(adaptation: Adaptation) -> list[tuple[str, str, str]]:
    """``(words, before, adapted)`` of each figure measured, shown as :data:`FIGURES` says."""
    before, after = adaptation.before.as_dict(), adaptation.after.as_dict()
    return [(words.format(labelled=after["parasitized_in_fields"]), shown.format(before[key]),
             shown.format(after[key]))
            for words, key, shown in FIGURES if after.get(key) is not None]


def as_text(adaptation: Adaptation) -> str:
    """The sentences, the figures in aligned columns and what the ranking means, as plain
    text for the command line."""
    rows = [("", *HEADINGS), *figure_rows(adaptation)]
    wide = [max(len(row[i]) for row in rows) for i in range(3)]
    table = [f"{words:{wide[0]}}  {before:>{wide[1]}}  {after:>{wide[2]}}".rstrip()
             for words, before, after in rows]
    fitted, measured = (textwrap.fill(text, TEXT_WIDTH) for text in sentences(adaptation))
    return "\n".join([fitted, measured, "", *table, "", textwrap.fill(RANKING, TEXT_WIDTH)])
