"""An adaptation's held-out figures in plain words, for the window's results box."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from malariascope.core.tally import PARASITIZED, UNINFECTED

if TYPE_CHECKING:  # core.adapt pulls in numpy
    from malariascope.core.adapt.run import Adaptation

#: (words, figure key, how it is shown): rates as percentages, the ranking as a number.
ROWS = (
    ("Ranking of cells (AUC)", "auc", "{:.3f}"),
    ("Parasitized cells flagged (sensitivity)", "sensitivity", "{:.1%}"),
    ("Uninfected cells left unflagged (specificity)", "specificity", "{:.1%}"),
    ("Balanced accuracy (the mean of those two)", "balanced_accuracy", "{:.1%}"),
    ("Cells of whole fields counted parasitized ({labelled:,} labelled so)", "counted", "{:,}"),
)
RANKING = ("The ranking of cells (AUC) is the chance that a parasitized cell scores above an "
           "uninfected one: 1 ranks every cell right, 0.5 is no better than a coin.")


def results_html(adaptation: Adaptation) -> str:
    """What the adaptation was fitted on, how it was measured and its figures, base model
    against adapted, as rich text."""
    cells = adaptation.cells
    before, after = adaptation.before.as_dict(), adaptation.after.as_dict()
    rows = "".join(
        f"<tr><td>{words.format(labelled=after['parasitized_in_fields'])}</td>"
        f"<td align='right'>{shown.format(before[key])}</td>"
        f"<td align='right'>{shown.format(after[key])}</td></tr>"
        for words, key, shown in ROWS if after.get(key) is not None)
    return (f"<p>Adapted from {escape(adaptation.base.model_name)} on "
            f"{cells[PARASITIZED]:,} parasitized and {cells[UNINFECTED]:,} uninfected cells "
            f"from {adaptation.groups} fields or slides.</p>"
            f"<p>{_held_out(adaptation.folds)}</p>"
            "<table cellspacing='6'><tr><th></th><th>Before</th><th>Adapted</th></tr>"
            f"{rows}</table><p>{RANKING}</p>")


def _held_out(folds: int) -> str:
    """How the figures were measured: on cells the adapted model was not fitted on."""
    parts = "tenths" if folds == 10 else f"{folds} parts"
    return ("Both models were measured on cells the adapted model had not learned from: the "
            f"fields or slides were split into {parts}, and each was held out in turn while "
            "the model was fitted again on the others, then measured on the cells held out.")
