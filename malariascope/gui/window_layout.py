"""Where the window's widgets sit: a layout only, so the main window keeps to the wiring.

The summary runs across the top. Under it, the cell list (with its filter bar, and the
whole field below it while the slide has one: ``gui.field_place``) sits beside the
threshold and two tabs: the selected cell, and the case (its facts and result). The list
gets the room; the splitter between the two sides is saved with the window. While the
gallery shows, it is as wide as the nearest whole number of tile columns (no part-column
left empty), the cell panel taking the rest but never less than PANEL_MIN_WIDTH; its tiles
are tall, so the field below it gives up height down to a quarter. The table gets its own
splits back: the field a quarter of the column when it first shows (the table's rows are
what the technician reads the case by), then the split as dragged, remembered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QLabel,
    QSplitter,
    QStyle,
    QStyleOptionGroupBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from malariascope.gui.cell_lists import CellLists
from malariascope.gui.fitted_scroll import ShortScroll
from malariascope.gui.settings import restore_state

if TYPE_CHECKING:
    from malariascope.gui.case_panel import CasePanel

OPENING_SIZE = QSize(1280, 800)  # the window's first size, on a screen that holds it
FRAME_ROOM = 40  # px the window system's title bar and frame may take above that
FIELD_SHARE = 4  # the field takes 1/4 of the height at first, under the gallery at most
LIST_OVER_FIELD = "window/list_over_field"  # the list/field split, once the field has shown
PANEL_MIN_WIDTH = 300  # the cell panel beside the gallery: its legend and buttons read whole
TABS_LEAST_LINES = 5  # the cell and case tabs' least height, their tab bar in it
BOX_MARGIN = 6  # px between the field's box and the field


def open_at_first_size(window: QWidget) -> None:
    """Give ``window`` its first size, or maximize it on a screen that cannot hold that with
    its frame (1920 x 1080 at 150 % is 1280 x 720): nothing of it is left off the screen."""
    room = window.screen().availableGeometry()
    if room.width() >= OPENING_SIZE.width() and (
            room.height() >= OPENING_SIZE.height() + FRAME_ROOM):
        window.resize(OPENING_SIZE)
        return
    window.resize(OPENING_SIZE.boundedTo(room.adjusted(0, FRAME_ROOM, 0, 0).size()))  # restored
    window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


class WindowLayout(QWidget):
    """The central widget. ``splitter`` (list | cell) and ``list_and_field`` (list over field)
    keep their sizes between sessions; ``field_box`` shows while the slide has a whole field
    (``FieldPlace`` says when)."""

    def __init__(self, summary: QWidget, filters: Iterable[QAction], table: CellLists,
                 field_view: QWidget, controls: QWidget, detail: QWidget,
                 case: CasePanel) -> None:
        super().__init__()
        self._case = case
        # the table's splits while the gallery shows: list over field, and list beside cell
        self._table_heights: list[int] | None = None
        self._table_widths: list[int] | None = None
        self._field_share_due = True  # until a split is remembered or the field first shows
        self._lists = table
        table.gallery_toggled.connect(self._on_gallery_toggled)
        table.gallery.thumb_size_changed.connect(self._fit_columns)
        self.field_box = ShortTitleBox(
            "Whole field (click a cell to select it; wheel: zoom, drag: pan)", field_view)
        self.field_box.hide()  # until the slide has a whole field: no room taken
        self.field_box.installEventFilter(self)
        self.list_and_field = QSplitter(Qt.Orientation.Vertical)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._list_side(filters, table))
        self.tabs = QTabWidget()
        self.tabs.addTab(detail, "Selected cell")
        self.tabs.addTab(case, "Case")
        self.tabs.tabBarClicked.connect(self._keys_off_page)  # before the tab changes
        # the tabs scroll in a window too short for them (Qt scaling by 2 on a 1280 x 800
        # screen), the threshold above them in sight
        self.splitter.addWidget(_column(_group("Batch", controls),
                                        ShortScroll(self.tabs, TABS_LEAST_LINES)))
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(summary)
        layout.addWidget(self.splitter, 1)

    def show_case(self) -> None:
        """Bring the case's facts into view, the slide id ready to type."""
        self.tabs.setCurrentIndex(1)
        self._case.show_slide_id()

    def show_cell(self) -> None:
        """Bring the selected cell into view beside the list, the keys on the list, for a
        review."""
        self._keys_off_page()
        self.tabs.setCurrentIndex(0)

    def switch_panel(self) -> None:
        """Show the other tab beside the list (the selected cell, or the case), the keys on
        the list (:meth:`_keys_off_page`), so review goes on."""
        self._keys_off_page()
        self.tabs.setCurrentIndex(1 - self.tabs.currentIndex())

    def _keys_off_page(self, *_: object) -> None:
        """Give the keys to the list when a box of the tab about to hide has them: Qt would
        pass them on down the window, to the Grad-CAM box and then the threshold."""
        focused = QApplication.focusWidget()
        if focused is not None and self.tabs.currentWidget().isAncestorOf(focused):
            self._lists.setFocus()

    def save_settings(self, store: QSettings) -> None:
        self._restore_table_splits()  # the table's splits are the ones remembered
        store.setValue("window/splitter", self.splitter.saveState())
        if not self._field_share_due:  # a field never laid out has no split to keep
            store.setValue(LIST_OVER_FIELD, self.list_and_field.saveState())

    def restore_settings(self, store: QSettings) -> None:
        if not restore_state(store, "window/splitter", self.splitter.restoreState):
            # the list gets the room: at 1024 px every column of it shows, beside a cell
            # panel still large (a splitter shares its width in these proportions)
            self.splitter.setSizes([690, 310])
        self._field_share_due = not restore_state(
            store, LIST_OVER_FIELD, self.list_and_field.restoreState)

    def _on_gallery_toggled(self, on: bool) -> None:
        if on:
            self._table_widths = self.splitter.sizes()
            self._fit_columns()
            self._fit_gallery()
            return
        self._restore_table_splits()
        self._table_widths = self._table_heights = None

    def _restore_table_splits(self) -> None:
        """Set the splitters back to the sizes the table had when the gallery showed."""
        if self._table_widths is not None:
            self.splitter.setSizes(self._table_widths)
        if self._table_heights is not None:
            self.list_and_field.setSizes(self._table_heights)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # the splitter has shared out the new width by now
        self._fit_columns()

    def _fit_columns(self, *_: object) -> None:
        """Make the gallery as wide as the nearest whole number of its columns, fewer when
        the cell panel would be narrower than PANEL_MIN_WIDTH."""
        gallery, sizes = self._lists.gallery, self.splitter.sizes()
        if not (self._lists.gallery_shown() and self.isVisible() and all(sizes)):
            return
        around = sizes[0] - gallery.width()  # the list side's own edges
        columns = gallery.columns_in(gallery.width())
        spare = gallery.width() - gallery.width_for_columns(columns)
        pitch = gallery.width_for_columns(columns + 1) - gallery.width_for_columns(columns)
        if 2 * spare >= pitch and sum(sizes) - around - gallery.width_for_columns(
                columns + 1) >= PANEL_MIN_WIDTH:
            columns += 1
        side = around + gallery.width_for_columns(columns)
        self.splitter.setSizes([side, sum(sizes) - side])

    def _fit_field(self) -> None:
        """Give the field its share of the height the first time it is laid out, with no split
        remembered (a splitter would share it out evenly), then fit the gallery to it."""
        sizes = self.list_and_field.sizes()  # the field's is 0 until it is laid out
        if self._field_share_due and sizes[1]:
            self._field_share_due = False
            self._field_to_share(sizes)
        self._fit_gallery()

    def _fit_gallery(self) -> None:
        """Give the gallery the field's height down to its share, once the field is laid out
        (it shows once the slide has a whole field)."""
        sizes = self.list_and_field.sizes()  # the field's is 0 until it is laid out
        if not self._lists.gallery_shown() or self._table_heights is not None or not sizes[1]:
            return
        self._table_heights = sizes
        self._field_to_share(sizes)

    def _field_to_share(self, sizes: list[int]) -> None:
        """Give the list/field split of ``sizes`` a field no taller than its share."""
        field = min(sizes[1], sum(sizes) // FIELD_SHARE)
        self.list_and_field.setSizes([sum(sizes) - field, field])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.field_box and event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self._fit_field)  # after the splitter lays it out
        return False

    def _list_side(self, filters: Iterable[QAction], table: QWidget) -> QWidget:
        """The filter bar over the cell list, itself over the whole field."""
        self.list_and_field.addWidget(table)
        self.list_and_field.addWidget(self.field_box)
        self.list_and_field.setChildrenCollapsible(False)
        bar = QToolBar()  # its buttons take no focus: keys stay with the list
        bar.addWidget(QLabel("Show:"))
        for action in filters:  # those the width leaves out, behind its » button
            bar.addAction(action)
            # named apart from the review buttons of the same words
            bar.widgetForAction(action).setAccessibleName(f"Show {action.iconText().lower()}")
        return _column(bar, self.list_and_field)


def _column(*widgets: QWidget) -> QWidget:
    """Widgets stacked without margins; the last one takes the spare height."""
    column = QWidget()
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets[:-1]:
        layout.addWidget(widget)
    layout.addWidget(widgets[-1], 1)
    return column


def _group(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.addWidget(widget)
    return box


class ShortTitleBox(QGroupBox):
    """A group box around ``widget`` whose title ends in an ellipsis where the box is
    narrower than it, the words whole in its tooltip: the title never sets how narrow the
    window goes (640 px at 200 %), the widget does."""

    def __init__(self, title: str, widget: QWidget) -> None:
        super().__init__(title)
        self.words = title
        self.setAccessibleName(title)  # a screen reader reads the title whole
        layout = QVBoxLayout(self)
        # a narrow margin: in a short window the list above keeps LEAST_ROWS rows in view
        layout.setContentsMargins(*(BOX_MARGIN,) * 4)
        layout.addWidget(widget)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(QWidget.minimumSizeHint(self).width(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        option = QStyleOptionGroupBox()
        self.initStyleOption(option)
        metrics = self.fontMetrics()
        frame = self.style().sizeFromContents(  # the box's room around its title
            QStyle.ContentsType.CT_GroupBox, option, QSize(), self).width()
        room = self.width() - frame - metrics.horizontalAdvance(" ")
        title = metrics.elidedText(self.words, Qt.TextElideMode.ElideRight, room)
        if title != self.title():
            self.setTitle(title)
            self.setToolTip(self.words if title != self.words else "")
