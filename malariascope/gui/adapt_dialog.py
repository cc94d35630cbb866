"""The "Adapt to this lab" form: where the lab's reviewed cells are and where the model goes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from malariascope.gui.adapt_cases import case_words
from malariascope.gui.dialogs import ok_cancel
from malariascope.gui.settings import export_folder, images_folder

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CaseSummary

SOURCES_HELP = (
    "Add the lab's reviewed cells: signed cases of the case register, reports exported after "
    "review (.csv), folders with <i>parasitized/</i> and <i>uninfected/</i> cell images, or "
    "folders of whole fields with an annotations file. At least 25 cells of each class, from "
    "3 or more slides or fields.")
CASE_ROLE = Qt.ItemDataRole.UserRole  #: a listed register case's CaseSummary (None: a path)


class AdaptDialog(QDialog):
    """Sources (paths and signed cases of the register), an optional annotations file and
    the adapted model's folder; ``cases_asked`` asks for register cases to add."""

    cases_asked = Signal()

    def __init__(self, out_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Adapt to this lab")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a new form opens each time
        self.source_list = QListWidget()
        self.annotations = QLineEdit()
        self.annotations.setPlaceholderText("annotations.json of the fields folders (optional)")
        self.out_dir = QLineEdit(str(out_dir))
        buttons, self.ok_button = ok_cancel(self, "&Adapt", self.accept)
        self.source_list.model().rowsInserted.connect(self._update_ok)
        self.source_list.model().rowsRemoved.connect(self._update_ok)
        self.out_dir.textChanged.connect(self._update_ok)
        self._update_ok()

        text = QLabel(SOURCES_HELP)
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Annotations:", self._with_browse(self.annotations, self._ask_annotations))
        form.addRow("New model folder:", self._with_browse(self.out_dir, self._ask_out_dir))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.source_list)
        layout.addLayout(self._source_buttons())
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def sources(self) -> list[Path]:
        return [Path(item.text()) for item in self._items() if item.data(CASE_ROLE) is None]

    def cases(self) -> list[CaseSummary]:
        """The register cases listed, in the order added."""
        return [case for item in self._items() if (case := item.data(CASE_ROLE)) is not None]

    def add_sources(self, paths: list[str | Path]) -> None:
        known = set(map(str, self.sources()))
        self.source_list.addItems([str(p) for p in paths if str(p) not in known])

    def add_cases(self, cases: list[CaseSummary]) -> None:
        known = {case.uid for case in self.cases()}
        for case in cases:
            if case.uid not in known:
                item = QListWidgetItem(case_words(case))
                item.setData(CASE_ROLE, case)
                self.source_list.addItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [self.source_list.item(i) for i in range(self.source_list.count())]

    def annotations_file(self) -> Path | None:
        text = self.annotations.text().strip()
        return Path(text) if text else None

    def model_folder(self) -> Path:
        return Path(self.out_dir.text().strip())

    def _update_ok(self, *_: object) -> None:
        """Adapting needs a source and a folder: a blank folder is the working folder, which
        the technician never chose (the app's own folder, or wherever it was started)."""
        self.ok_button.setEnabled(self.source_list.count() > 0
                                  and bool(self.out_dir.text().strip()))

    def _source_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in (("Add ca&ses…", self.cases_asked.emit),
                           ("Add &folder…", self._ask_folder), ("Add &reports…", self._ask_reports),
                           ("Re&move", self._remove_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch()
        return row

    @staticmethod
    def _with_browse(edit: QLineEdit, slot) -> QHBoxLayout:
        row = QHBoxLayout()
        button = QPushButton("Browse…")
        button.clicked.connect(slot)
        row.addWidget(edit)
        row.addWidget(button)
        return row

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of reviewed cells or fields",
                                                  str(images_folder()))
        if folder:
            self.add_sources([folder])

    def _ask_reports(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Reviewed reports",
                                                str(export_folder()), "Reports (*.csv)")
        self.add_sources(files)

    def _remove_selected(self) -> None:
        for item in self.source_list.selectedItems():
            self.source_list.takeItem(self.source_list.row(item))

    def _ask_annotations(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Annotations of the fields",
                                              str(images_folder()), "Annotations (*.json)")
        if path:
            self.annotations.setText(path)

    def _ask_out_dir(self) -> None:
        suggested = self.model_folder().parent if self.out_dir.text().strip() else None
        folder = QFileDialog.getExistingDirectory(self, "Folder for the adapted model",
                                                  _existing(suggested or export_folder()))
        if folder:
            self.out_dir.setText(folder)


def _existing(folder: Path) -> str:
    """``folder``, or the nearest folder above it that exists, for a file dialog to open in
    (one that does not exist opens in the working folder)."""
    return str(next((path for path in (folder, *folder.parents) if path.is_dir()), Path.home()))
