"""The Model menu: adapt the model to this lab's reviewed cells, use a model folder, or return
to the bundled model. The status bar names the model in use; reports record it."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from malariascope.core.datadir import data_dir
from malariascope.gui import dialogs, settings
from malariascope.gui.adapt_cases import SignedCasesDialog
from malariascope.gui.adapt_dialog import AdaptDialog
from malariascope.gui.adapt_progress import AdaptationCancelled, AdaptProgress
from malariascope.gui.adapt_results import results_html
from malariascope.gui.controller import ScreeningController
from malariascope.gui.workers import Worker, load_classifier

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CaseSummary

Tried = tuple[list[Path], Path | None, Path, list["CaseSummary"]]


class ModelMenu(QObject):
    """Adds the Model menu to ``window`` and switches ``controller``'s model."""

    adapted = Signal(Path, str)  # the adapted model's folder, its figures (rich text)

    def __init__(self, window: QMainWindow, controller: ScreeningController,
                 remember: bool = True) -> None:
        super().__init__(window)
        self.window, self.controller, self.remember = window, controller, remember
        self.adapt_action = QAction("&Adapt to this lab…", window)
        self.folder_action = QAction("Use a model &folder…", window)
        self.bundled_action = QAction("Use the &bundled model", window)
        self.adapt_action.triggered.connect(lambda: self.ask_adapt())
        self.folder_action.triggered.connect(self.ask_folder)
        self.bundled_action.triggered.connect(lambda: self.use(None))
        bar = window.menuBar()
        menu = bar.addMenu("&Model")
        menu.addActions([self.adapt_action, self.folder_action, self.bundled_action])
        help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
        if help_menu is not None:  # Help stays last
            bar.insertMenu(help_menu, menu)
        self._worker: Worker | None = None
        self._checking: Path | None = None  # the model folder chosen, until it loads or not
        self._tried: Tried = ([], None, Path(), [])  # the last adapt

    # -- switching -----------------------------------------------------------------------
    def use(self, folder: Path | None) -> None:
        """Screen with the model in ``folder`` (None: the bundled one) from now on."""
        self._checking = None  # a folder still being checked is not wanted now
        if self.remember:
            settings.choose_model(folder)
        name = folder.name if folder else "the bundled model"
        if self.controller.use_model(folder):
            self.window.statusBar().showMessage(f"Loading {name}…")
        else:
            self.window.statusBar().showMessage(
                f"{name} screens from the next case on; the case on show keeps its model")

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Model folder (with its card)",
                                                  str(adapted_models_dir()))
        if folder:
            self.try_folder(Path(folder))

    def try_folder(self, folder: Path) -> Worker:
        """Load the model in ``folder`` in a worker, as screening would (its card, files and
        hashes), and screen with it once it loads; refused, a message says why, and the model
        in use and the one remembered stay. Only the last folder chosen is acted on."""
        self._checking = folder
        self.window.statusBar().showMessage(f"Checking the model in {folder.name}…")
        worker = Worker(load_classifier, folder)
        worker.returned.connect(lambda _: self._on_checked(folder))
        worker.errored.connect(lambda exc: self._on_refused(folder, exc))
        return self.controller.workers.start(worker)

    def _on_checked(self, folder: Path) -> None:
        if self._checking == folder:
            self.use(folder)

    def _on_refused(self, folder: Path, exc: Exception) -> None:
        if self._checking != folder:
            return
        self._checking = None
        self.window.statusBar().clearMessage()
        dialogs.message(self.window, QMessageBox.Icon.Warning, "Model folder refused",
                        f"The model in {folder} was not taken: {_full_stop(str(exc))}\n\n"
                        "Nothing was changed: the model in use stays.")

    # -- adapting ------------------------------------------------------------------------
    def ask_adapt(self, sources: Sequence[Path] = (), annotations: Path | None = None,
                  out_dir: Path | None = None, cases: Sequence[CaseSummary] = ()
                  ) -> AdaptDialog:
        """Ask for the lab's cells and the new model's folder, then adapt; the form opens
        holding ``sources``, ``annotations``, ``out_dir`` and ``cases`` when given (a
        refused try's)."""
        dialog = AdaptDialog(out_dir or default_model_folder(), self.window)
        dialog.add_sources(list(sources))
        dialog.add_cases(list(cases))
        if annotations is not None:
            dialog.annotations.setText(str(annotations))
        dialog.cases_asked.connect(lambda: self.ask_cases(dialog))
        dialog.accepted.connect(lambda: self.adapt(dialog.sources(), dialog.annotations_file(),
                                                   dialog.model_folder(), dialog.cases()))
        dialog.open()
        return dialog

    def ask_cases(self, form: AdaptDialog) -> SignedCasesDialog:
        """List the register's signed cases for ``form`` to add those picked."""
        picker = SignedCasesDialog(data_dir(), self.controller.workers, form)
        picker.accepted.connect(lambda: form.add_cases(picker.chosen()))
        picker.open()
        picker.load()
        return picker

    def adapt(self, sources: list[Path], annotations: Path | None, out_dir: Path,
              cases: Sequence[CaseSummary] = ()) -> None:
        """Adapt the model in use to ``sources`` and the register's ``cases`` in a worker and
        write it to ``out_dir``; refused, the form opens again holding them, for more cells
        to be added."""
        if self._worker is not None:
            return
        self._tried = (sources, annotations, out_dir, list(cases))
        progress = AdaptProgress(self.window)

        def report(stage: str, done: int, total: int) -> None:
            if worker.abort_requested:  # the window is closing: stop as Cancel does
                raise AdaptationCancelled
            progress.report(stage, done, total)

        worker = Worker(adapt_and_write, sources, [case.uid for case in cases], annotations,
                        out_dir, self.controller.model, report)
        worker.returned.connect(lambda result: self._on_adapted(*result))
        worker.errored.connect(self._on_failed)
        worker.finished.connect(lambda: self._on_finished(progress))
        self._worker = worker
        self.controller.workers.start(worker)

    def _on_finished(self, progress: AdaptProgress) -> None:
        self._worker = None
        progress.close()

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, AdaptationCancelled):
            self.window.statusBar().showMessage("Adaptation cancelled; no model written")
            return
        refused = dialogs.message(self.window, QMessageBox.Icon.Warning, "Adaptation refused",
                                  f"No model was written: {_full_stop(str(exc))}")
        refused.finished.connect(lambda *_: self.ask_adapt(*self._tried))  # once it is read

    def _on_adapted(self, folder: Path, figures: str) -> None:
        self.adapted.emit(folder, figures)
        answer = QMessageBox.question(
            self.window, "Adapted model written",
            f"{figures}<p>The adapted model is in {escape(str(folder))}.</p><p>Screen with it "
            "from now on? (Model &gt; Use the bundled model returns.)</p>",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.use(folder)


def adapted_models_dir() -> Path:
    """Where the window writes adapted models: the app's data folder."""
    return data_dir() / "models"


def default_model_folder() -> Path:
    """A folder for the next adapted model named by the minute, ``-2``, ``-3``… added when
    one of its name is there: the form cannot replace a model."""
    first = adapted_models_dir() / f"lab-{datetime.now():%Y%m%d-%H%M}"
    names = itertools.chain([first], (first.with_name(f"{first.name}-{n}")
                                      for n in itertools.count(2)))
    return next(folder for folder in names if not folder.exists())


def adapt_and_write(sources: list[Path], cases: list[str], annotations: Path | None,
                    out_dir: Path, base: Path | None, progress: Callable[[str, int, int], None]
                    ) -> tuple[Path, str]:
    """Adapt ``base`` (None: bundled) to ``sources`` and the signed ``cases`` (uids) of the
    register in the data folder, and write it; returns the folder and the held-out figures
    in words (rich text). Runs in a worker; refusals raise the core's errors."""
    from malariascope.core.adapt.registered import open_cases
    from malariascope.core.adapt.run import adapt, open_source, write_model
    from malariascope.core.adapt.target import check_images, check_target
    from malariascope.core.adapt.wording import skipped_lines
    from malariascope.core.errors import MalariaScopeError
    from malariascope.core.modelcard import load_card

    model = str(base) if base else None
    check_target(out_dir, load_card(model), inputs=[*sources, *filter(None, [annotations])])
    opened = [open_source(path, annotations) for path in sources]
    check_images(out_dir, opened)  # once the reports are read, before the work
    opened += open_cases(data_dir(), cases)
    try:
        adaptation = adapt(opened, model, progress=progress)
    except MalariaScopeError as exc:  # the lab sees what was left out, as with a model
        if skipped := skipped_lines(source.record for source in opened):
            raise LeftOutError("\n\n".join([str(exc), *skipped])) from exc
        raise
    progress("writing", 0, 0)  # the last chance to cancel: past it, Cancel is refused
    card = write_model(adaptation, out_dir)
    left_out = "".join(f"<p>{escape(line)}</p>" for line in skipped_lines(
        source.record for source in opened))
    return card.parent, results_html(adaptation.facts()) + left_out


class LeftOutError(Exception):
    """An adaptation refused, its reason followed by what its sources left out and why."""


def _full_stop(words: str) -> str:
    """``words`` ended as a sentence: a full stop unless they end in one, or in a question."""
    return words if words.endswith((".", "?", "!")) else f"{words}."
