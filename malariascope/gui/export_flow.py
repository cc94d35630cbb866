"""Export as the technician meets it: a word when the sample id is empty, an offer to review
the uncertain cells first, the choice of file, a retry when writing fails. The controller
writes the report in a worker."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from malariascope.core.words import counted
from malariascope.gui import dialogs, file_dialogs, settings
from malariascope.gui.batch import Batch
from malariascope.gui.controller import ScreeningController


class ExportFlow(QObject):
    """The dialogs around an export of ``batch``, shown over ``window`` (MalariaScope's main
    window, whose case flow says when the case form stops an export).

    ``show_queue`` shows the review queue (the flagged cells nobody has reviewed, uncertain
    ones among them; given the rows marked unsure, those when it is empty), for the
    technician who chooses to review them first, offered while
    ``reviewable()`` (not on a signed or past case, which takes no review);
    ``edit_sample_id`` puts the cursor in the Slide id box;
    ``remember_folder`` False leaves no trace in the settings (a smoke test).
    """

    def __init__(self, window: QWidget, batch: Batch, controller: ScreeningController,
                 show_queue: Callable[[Collection[int]], None], reviewable: Callable[[], bool],
                 edit_sample_id: Callable[[], None], remember_folder: bool = True) -> None:
        super().__init__(window)
        self._window, self.batch, self.controller = window, batch, controller
        self._show_queue, self._reviewable = show_queue, reviewable
        self._edit_sample_id = edit_sample_id
        self._remember_folder = remember_folder
        self._tried = ""  # the name of the last report written: offered again on failure
        controller.export_finished.connect(self._on_exported)
        controller.export_failed.connect(self._on_failed)

    def start(self) -> None:
        """Export, after a word on an empty sample id and an offer to review the uncertain
        cells that have no final call (when they can be reviewed); not while a box of the
        case form holds text the case refused, which the report's summary would leave out."""
        if self._window.case_flow.refuse_for_refused_fact("exporting the report"):
            return
        if self.batch.facts.sample_id.strip():
            self._offer_review()
        else:
            dialogs.ask_export_without_sample_id(self._window, enter=self._edit_sample_id,
                                                 export=self._offer_review)

    def _offer_review(self) -> None:
        waiting = self.batch.counts.unreviewed_uncertain
        if waiting and self._reviewable():
            marked = self.batch.marked_unsure()
            queue = self.batch.counts.unreviewed_flagged - len(marked)
            ask_export_unreviewed(
                self._window, waiting, sum(map(self.batch.uncertain, marked)), queue,
                export=self._choose_report,
                review=lambda: self._show_queue(self.batch.marked_unsure()))
        else:
            self._choose_report()

    def export_to(self, path: str | os.PathLike[str], overwrite: bool = False) -> None:
        """Write the report of the batch (with reviews) in a worker."""
        self._tried = Path(path).name
        self.controller.export(Path(path), overwrite)

    def _choose_report(self, name: str = "") -> None:
        chosen = file_dialogs.ask_report_path(self._window, self.batch.facts.sample_id, name=name)
        if chosen:
            self.export_to(*chosen)

    def _on_exported(self, path: str) -> None:
        if self._remember_folder:
            settings.remember_export_folder(Path(path))

    def _on_failed(self, reason: str, earlier: bool) -> None:
        tried = self._tried
        dialogs.export_failed(self._window, reason, retry=lambda: self._choose_report(tried),
                              earlier=earlier)


def ask_export_unreviewed(parent: QWidget, count: int, unsure: int, queue: int,
                          review: Callable[[], None], export: Callable[[], None]) -> QMessageBox:
    """Before an export, say that ``count`` uncertain cells have no review yet, ``unsure`` of
    them marked unsure, which the review queue (``queue`` cells) leaves out: Review them
    (``review``), Export anyway (``export``), or Cancel (Escape), which does nothing."""
    verb, them = ("is", "call for it") if count == 1 else ("are", "calls for them")
    marked = f", {unsure:,} of them marked unsure for a second reader" if unsure else ""
    text = (f"{counted(count, 'uncertain cell')} {verb} not reviewed yet{marked}. The report "
            f"will give the model's {them}.\n\nThe model is least sure of uncertain cells; on "
            "smears from other labs, infected cells are often among them. "
            + _shown_by_review(count, unsure, queue))
    return dialogs.ask_review_first(parent, "Unreviewed uncertain cells", text,
                                    "&Export anyway", review, export)


def _shown_by_review(count: int, unsure: int, queue: int) -> str:
    """What Review them shows of ``count`` uncertain cells, ``unsure`` of them marked unsure:
    the review queue of ``queue`` cells, and those marked unsure once it is empty."""
    if not unsure:
        return ("Review them shows the review queue: every flagged cell nobody has reviewed, "
                "these among them.")
    if not queue:
        return f"Review them lists {'it' if unsure == 1 else 'them'}."
    others = f", the other {count - unsure:,} among them" if count > unsure else ""
    marked = "the cell" if unsure == 1 else f"the {unsure:,} cells"
    return (f"Review them shows the review queue, every flagged cell nobody has reviewed"
            f"{others}; {marked} marked unsure {'is' if unsure == 1 else 'are'} listed once "
            "it is empty.")
