"""The case register dialog (File > Case register…): past cases listed, searched, reopened in
the window (read-only, or an open case to finish: see ``gui.past_case``), and exported as CSV
for a lab information system.

Searches, loading a case (with the register's answer to the window taking it) and exports
run in workers, on the register the window autosaves to (or one the dialog opens while
autosave is off), so a big register never makes the window wait; the dialog stays open,
opening the case, until the window has shown it or said why not. While it is open, the
window's writes are listed as they land (:meth:`RegisterDialog.refresh`). Exports are
:class:`~malariascope.gui.register_export.RegisterExport`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from malariascope.core.errors import CaseError
from malariascope.core.words import counted
from malariascope.gui.cases_table import CasesTableModel, CasesView
from malariascope.gui.register_export import RegisterExport
from malariascope.gui.register_opening import RegisterOpening
from malariascope.gui.wheel_guard import guard_wheel
from malariascope.gui.workers import Worker, WorkerGroup, while_alive

if TYPE_CHECKING:  # the register pulls in numpy
    from malariascope.core.register import CasePage, CaseQuery, PageMark, Register
    from malariascope.gui.register_opening import Reader

SEARCH_DELAY_MS = 250  # typing pauses this long before the search runs
#: the latest changed cases a search lists, and Show more adds: a year of a busy lab is
#: tens of thousands, more than a list is read through, and than a table takes at once
PAGE = 500
RESULTS = {"Any result": None, "Positive": True, "Negative": False}
STATUSES = {"Open or signed": "", "Signed": "signed", "Open": "open"}


class RegisterDialog(QDialog):
    """The cases of ``register``, found by patient, slide, date, result, reviewer and status.

    The search runs as the technician types, over every case; the list shows the
    :data:`PAGE` latest changed it finds, and says how many more there are (Show more lists
    another page). ``listed`` tells how many cases it found.
    """

    listed = Signal(int)  # cases the last search (or its page) found, listed or not
    case_loaded = Signal(object)  # a Read: a case to show in the window, and its take's answer
    exported = Signal(str, int)  # path, cases written
    failed = Signal(str)  # one line: a search, a load or an export that did not work

    def __init__(self, register: Register | None, workers: WorkerGroup, read: Reader,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Case register")
        self.register, self.workers = register, workers
        self.owns_register = False  # True: opened for this dialog, closed with it
        self.opening_register = False  # such a register is being opened
        self.model = CasesTableModel(self)
        self._searches = 0  # the answer of an older search is dropped
        self._reading = False  # the latest search, page or refresh is on its way
        self._stale = False  # the register changed while it was: listed anew once it is
        self._listed: CaseQuery | None = None  # the query of the cases on show
        self._mark: PageMark | None = None  # where the next page of them begins
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.opening = RegisterOpening(self, read, self)
        self._build()
        self.failed.connect(self.note.setText)
        self.resize(900, 520)

    def _build(self) -> None:
        self.patient, self.slide, self.reviewer = QLineEdit(), QLineEdit(), QLineEdit()
        self.date_from, self.date_to = QLineEdit(), QLineEdit()
        for edit in (self.date_from, self.date_to):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setToolTip("Finds a case by its collection date, or by the day it was "
                            "opened when it has none")
        self.result, self.status = QComboBox(), QComboBox()
        guard_wheel(self.result, self.status)
        self.result.addItems(list(RESULTS))
        self.status.addItems(list(STATUSES))
        for edit in (self.patient, self.slide, self.reviewer, self.date_from, self.date_to):
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self._timer.start)
            edit.returnPressed.connect(self.search)
            edit.installEventFilter(self)
        for box in (self.result, self.status):
            box.currentIndexChanged.connect(self.search)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.date_to)
        form = QGridLayout()  # two columns of search fields, read across
        for number, (label, field) in enumerate((
                ("Patient", self.patient), ("Slide", self.slide), ("Date", dates),
                ("Result", self.result), ("Reviewer", self.reviewer),
                ("Status", self.status))):
            row, column = divmod(number, 2)
            form.addWidget(QLabel(label), row, 2 * column)
            if isinstance(field, QHBoxLayout):
                form.addLayout(field, row, 2 * column + 1)
            else:
                form.addWidget(field, row, 2 * column + 1)
        self.table = CasesView(self.model)
        self.table.open_asked.connect(self.open_selected)
        self.note = QLabel(wordWrap=True)  # a long reason takes lines, never the width
        self.note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.more = QPushButton("Show more", visible=False, autoDefault=False)
        self.more.clicked.connect(self.show_more)
        below = QHBoxLayout()
        below.addWidget(self.note, stretch=1)
        below.addWidget(self.more)
        self.open_button = QPushButton("Open")
        self.export_selected = QPushButton("Export selected…")
        self.export_all = QPushButton("Export all found…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.open_button, self.export_selected, self.export_all):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in buttons.buttons():  # Enter searches: no button is the dialog's default
            button.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        self.open_button.clicked.connect(self.open_selected)
        self.exports = RegisterExport(self, self)
        self.export_selected.clicked.connect(lambda: self.exports.choose(selected=True))
        self.export_all.clicked.connect(lambda: self.exports.choose(selected=False))
        self.table.selectionModel().selectionChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, stretch=1)
        layout.addLayout(below)
        layout.addWidget(buttons)
        self._enable()

    def _enable(self, *_: object) -> None:
        chosen = bool(self.selected_uids())
        self.open_button.setEnabled(len(self.selected_uids()) == 1)
        self.export_selected.setEnabled(chosen)
        self.export_all.setEnabled(bool(self.model.cases))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """Down in a search box hands the keys to the cases found, the first selected, so
        a case is found and opened from the keyboard: its id typed, Down, Enter."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() == Qt.Key.Key_Down and self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- search --------------------------------------------------------------------------
    def query(self) -> CaseQuery:
        """The search as typed; :class:`CaseError` says what cannot be searched for."""
        from malariascope.core.register import CaseQuery

        return CaseQuery(patient=self.patient.text().strip(), sample=self.slide.text().strip(),
                         reviewer=self.reviewer.text().strip(),
                         date_from=self.date_from.text().strip(),
                         date_to=self.date_to.text().strip(),
                         positive=RESULTS[self.result.currentText()],
                         status=STATUSES[self.status.currentText()])

    def search(self) -> None:
        """List the latest cases the search finds, in a worker."""
        self._timer.stop()
        try:
            query = self.query()
        except CaseError as exc:
            self._unlist(f"Cannot search: {exc}")
            return
        self._read_page(query, None, PAGE)

    def _unlist(self, why: str) -> None:
        """List nothing, saying ``why``: a search that cannot run, or failed, found nothing
        to open or export, and the list of an older one is not what the boxes ask for."""
        self._searches += 1  # the answer of a read on its way is dropped
        self._reading = self._stale = False
        self._listed, self._mark = None, None
        self.model.set_cases([])
        self.more.setVisible(False)
        self.note.setText(why)
        self._enable()

    def show_more(self) -> None:
        """Add to the list the next page of the cases its search found, and anew those
        changed since; the cases selected and the rows on view stay."""
        if self._listed is not None:
            self._read_page(self._listed, self._mark, PAGE)

    def refresh(self) -> None:
        """List anew the cases on show that changed in the register since they were read, in
        a worker, once no read is on its way (its answer may be older than the change): the
        search listed, its pages shown, the selection and the rows in view stay; it is not
        :attr:`listed`."""
        if self._reading:
            self._stale = True
        elif self._listed is not None and not self._timer.isActive():  # else a search comes
            if self._mark is None or self._mark.key is None:  # none listed: the first page
                self._read_page(self._listed, None, PAGE)
            else:  # no page past the list's last: only the cases changed since
                self._read_page(self._listed, self._mark, limit=0)

    def _read_page(self, query: CaseQuery, after: PageMark | None, limit: int) -> None:
        if limit:  # a page follows the list on show, not the one coming; a refresh keeps it
            self.more.setEnabled(False)
        self._searches += 1
        self._reading, self._stale = True, False
        number = self._searches
        worker = Worker(self.register.page, query, limit, after)
        worker.returned.connect(while_alive(self, lambda page: self._on_listed(
            number, query, page, after, limit > 0)))
        worker.errored.connect(while_alive(self, lambda exc: self._on_page_failed(
            number, exc, after is None)))
        self.workers.start(worker)

    def _on_page_failed(self, number: int, exc: Exception, searched: bool) -> None:
        """Say why the read failed; a search's empties the list (a page's or a refresh's
        leaves the cases listed)."""
        if number == self._searches:  # else a newer search is on its way, or listed
            self._reading = False
            if searched:
                self._unlist("")
            self._on_failed(exc)

    def _on_listed(self, number: int, query: CaseQuery, page: CasePage,
                   after: PageMark | None, searched: bool) -> None:
        if number != self._searches:
            return  # a newer search is on its way
        self._listed, self._mark = query, page.mark
        if after is None:
            self.table.set_cases(page.cases)  # the cases selected stay, if listed
            self.table.size_columns()
        else:  # the rows on view stay, and so do the columns' widths
            self.table.add_cases(page.cases, frozenset(page.gone))
        self.note.setText(f"The latest {len(self.model.cases):,} of {page.total:,} cases "
                          "found: refine the search to find the others" if page.more else
                          counted(page.total, "case"))
        self.more.setText(f"Show {min(page.more, PAGE):,} more")
        self.more.setVisible(page.more > 0)
        self.more.setEnabled(True)
        self._enable()
        self._reading = False
        if searched:
            self.listed.emit(page.total)
        if self._stale:
            self.refresh()

    def _on_failed(self, exc: Exception) -> None:
        self.more.setEnabled(True)
        self.failed.emit(str(exc))

    def selected_uids(self) -> tuple[str, ...]:
        """The uids of the cases selected in the list, in the order shown."""
        shown = sorted(self.table.selectionModel().selectedRows(), key=lambda index: index.row())
        return tuple(self.model.cases[index.row()].uid for index in shown)

    def drop_case(self, uid: str) -> str:
        """Take case ``uid`` off the list (the register no longer holds it); returns how
        the list named it: its slide id, else the beginning of its uid."""
        name = next((case.facts.sample_id for case in self.model.cases if case.uid == uid),
                    "") or uid[:8]
        self.table.add_cases([], {uid})
        self._enable()
        return name

    # -- open and export -----------------------------------------------------------------
    def open_selected(self, *_: object) -> None:
        """Load the selected case whole, in a worker, for the window to show."""
        self.opening.open_selected()

    def export_query(self, selected: bool) -> CaseQuery | None:
        """What an export writes: the cases selected, or all those the search listed found
        (the list shows the latest of them); None while no search listed any."""
        from malariascope.core.register import CaseQuery

        return CaseQuery(uids=self.selected_uids()) if selected else self._listed

    def done(self, result: int) -> None:
        """Close, giving up a case being read; a register opened for the dialog alone is
        closed with it."""
        self.opening.give_up()
        if self.owns_register:
            self.register.close()
            self.owns_register = False
        super().done(result)
