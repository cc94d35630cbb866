"""The selected cell, large: its image beside its Grad-CAM overlay, its numbers, and the
review buttons.

A cell of a whole field is its box cut from the field (read once for all its cells). The
overlay starts on for suspects only (called parasitized, or uncertain): on a cell called
uninfected, a bright patch would read as an alarm; the legend says which class's map it is.

The image and both heatmaps are computed in a worker when the selection changes (a large
image would stall the UI); blending for the opacity slider is the core's ``overlay`` on
arrays already in memory, cheap enough to follow the slider live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from malariascope.core.withoutcall import REFUSED, UNREADABLE, kind_of
from malariascope.core.words import counted
from malariascope.gui.batch import Batch
from malariascope.gui.canvas import HeatLegend, ImageCanvas
from malariascope.gui.cell_facts import CellFacts
from malariascope.gui.fitted_scroll import FittedScroll
from malariascope.gui.latest_load import LatestLoad
from malariascope.gui.thumbnails import read_cell, rgb_qimage
from malariascope.gui.workers import WorkerGroup

if TYPE_CHECKING:
    import numpy as np

    from malariascope.core.pipeline import ScreeningResult


@dataclass
class CellImages:
    """One cell ready to draw: the RGB image and the heatmap of each class."""

    image: np.ndarray
    heat_parasitized: np.ndarray | None
    heat_uninfected: np.ndarray | None


def load_cell(result: ScreeningResult) -> CellImages:
    """Read a cell and resize its Grad-CAM class map to it (runs in a worker)."""
    from malariascope.core.gradcam import heatmap

    image, class_map = read_cell(result), result.class_map
    if class_map is None:
        return CellImages(image, None, None)
    return CellImages(image, heatmap(class_map, image.shape, positive=True),
                      heatmap(class_map, image.shape, positive=False))


FACT_LINES_SHORTEST = 3  # the facts' lines in sight at the panel's least height


class DetailView(QWidget):
    """The selected row of ``batch``; call :meth:`show_row` when the selection changes."""

    def __init__(self, batch: Batch, workers: WorkerGroup, review_actions: Sequence[QAction],
                 pair_facts: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._loads = LatestLoad(workers)
        self._row: int | None = None
        self._cell: CellImages | None = None
        self.canvas = ImageCanvas()  # the cell as photographed
        self.overlay_canvas = ImageCanvas()  # beside it, with its Grad-CAM map
        self.legend = HeatLegend()
        self.overlay_canvas.hide()  # until a cell is shown with its overlay
        self.legend.hide()
        self.overlay_box = QCheckBox("Grad-CAM overlay")
        self.overlay_box.setChecked(True)
        self._overlay_on = True  # the box's state for suspects; others start without
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(45)
        self.opacity.setToolTip("Overlay opacity")
        self.opacity.setAccessibleName("Grad-CAM overlay opacity")
        # a click leaves the keys with the list, so arrows and PgUp/PgDn move to the next cell,
        # not the opacity; Tab still reaches both
        for control in (self.overlay_box, self.opacity):
            control.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.facts = CellFacts(batch, pair_facts)
        self.selection_note = QLabel()  # what the review keys act on, when more than this cell
        self.selection_note.setWordWrap(True)
        self.selection_note.hide()
        self._selected = 0  # cells the review keys act on, as CellLists last counted them
        self.review_buttons = QWidget()  # off while the case is signed or shown read-only
        self._viewing = False  # a past case is on show, read-only
        self._build(review_actions)
        self.overlay_box.toggled.connect(self._on_overlay_changed)
        self.opacity.valueChanged.connect(self._on_overlay_changed)
        batch.events.reviewed.connect(self._on_reviewed)
        batch.events.relabelled.connect(self._on_relabelled)
        batch.events.reset.connect(lambda: self.show_row(None))
        batch.events.facts_changed.connect(self._on_case_changed)  # a case signed or amended
        self._on_case_changed()

    def _build(self, review_actions: Sequence[QAction]) -> None:
        overlay_row = QHBoxLayout()
        overlay_row.addWidget(self.overlay_box)
        overlay_row.addWidget(self.opacity, 1)
        buttons = QHBoxLayout(self.review_buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        for action in review_actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys keep working in the list
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        pictures = QHBoxLayout()
        for canvas in (self.canvas, self.overlay_canvas):
            # the images take the height the facts leave, down to their least
            canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
            pictures.addWidget(canvas)
        layout.addLayout(pictures, 1)
        layout.addLayout(overlay_row)
        # the legend and the facts scroll on a short panel: the images shrink to their least
        # first, and the review buttons under them stay in sight
        layout.addWidget(FittedScroll([self.legend, self.facts], FACT_LINES_SHORTEST))
        layout.addWidget(self.selection_note)
        layout.addWidget(self.review_buttons)

    def save_settings(self, store: QSettings) -> None:
        store.setValue("overlay/on", self._overlay_on)
        store.setValue("overlay/opacity", self.opacity.value())

    def restore_settings(self, store: QSettings) -> None:
        self._overlay_on = store.value("overlay/on", True, type=bool)
        self.overlay_box.setChecked(self._overlay_on)
        self.opacity.setValue(store.value("overlay/opacity", 45, type=int))

    def fact(self, name: str) -> str:
        """The text shown for ``name`` (for tests and accessibility)."""
        return self.facts.text(name)

    # -- selection -----------------------------------------------------------------------
    def show_row(self, row: int | None) -> None:
        """Show ``row`` of the batch (None: nothing selected); the image loads in a worker."""
        self._row, self._cell = row, None
        self._loads.invalidate()
        self._update_facts()
        result = None if row is None else self.batch.results[row]
        self.overlay_box.setEnabled(result is not None and result.ok)
        self._overlay_by_default(row)
        overlaid = result is not None and result.ok and self.overlay_box.isChecked()
        self.overlay_canvas.setVisible(overlaid)
        self.legend.setVisible(overlaid)
        if result is None:
            self.canvas.set_image(QImage(), "No cell selected")
            return
        if not result.ok:
            self.canvas.set_image(QImage(), _no_call_message(result))
            return
        self.canvas.set_image(self.canvas.image(), "Loading…")
        self._loads.start(load_cell, result, self._on_cell_loaded, self._on_cell_failed)

    def show_selected(self, count: int) -> None:
        """Say, for more than one, that the review keys act on all ``count`` cells selected,
        though the panel shows one of them."""
        self._selected = count
        self._show_selection_note()

    def _show_selection_note(self) -> None:
        """The note shows with the review buttons: on a signed or past case the keys change
        nothing, whatever is selected."""
        count = self._selected
        self.selection_note.setText(f"{counted(count, 'cell')} selected: the review keys act "
                                    f"on all {count:,}")
        self.selection_note.setVisible(count > 1 and self.review_buttons.isEnabled())

    def current_row(self) -> int | None:
        return self._row

    def _on_cell_loaded(self, cell: CellImages) -> None:
        self._cell = cell
        self._redraw()

    def _on_cell_failed(self, exc: Exception) -> None:
        self.canvas.set_image(QImage(), f"Could not read this file:\n{exc}")

    # -- drawing -------------------------------------------------------------------------
    def _on_overlay_changed(self, *_: object) -> None:
        if self._row is None or self.batch.suspect(self._row):
            self._overlay_on = self.overlay_box.isChecked()
        self.opacity.setEnabled(self.overlay_box.isEnabled() and self.overlay_box.isChecked())
        self._redraw()

    def _overlay_by_default(self, row: int | None) -> None:
        """Start a suspect with the overlay as last chosen for one, any other cell without:
        a bright patch on a healthy cell reads as an alarm."""
        on = self._overlay_on and row is not None and self.batch.suspect(row)
        self.overlay_box.blockSignals(True)
        self.overlay_box.setChecked(on)
        self.overlay_box.blockSignals(False)
        self.opacity.setEnabled(on and self.overlay_box.isEnabled())

    def _redraw(self) -> None:
        cell, row = self._cell, self._row
        if cell is None or row is None:
            return
        suspect = self.batch.suspect(row)
        heat = cell.heat_parasitized if suspect else cell.heat_uninfected
        shown = self.overlay_box.isChecked() and heat is not None
        self.canvas.set_image(rgb_qimage(cell.image))
        if shown:
            from malariascope.core.gradcam import overlay

            image = overlay(cell.image, heat, self.opacity.value() / 100.0)
            self.overlay_canvas.set_image(rgb_qimage(image))
            self.legend.show_class(parasite=suspect)
        self.overlay_canvas.setVisible(shown)
        self.legend.setVisible(shown)

    def set_viewing(self, viewing: bool) -> None:
        """Turn the review buttons off while a past case is on show read-only."""
        self._viewing = viewing
        self._on_case_changed()

    def _on_case_changed(self) -> None:
        """Turn the review buttons off while the case is signed or shown read-only, whatever
        the selection enables; the review keys stay on, so a key pressed still says why
        nothing changes."""
        self.review_buttons.setEnabled(self.batch.case.signed is None and not self._viewing)
        self._show_selection_note()

    def _update_facts(self) -> None:
        self.facts.show_row(self._row)

    def _on_reviewed(self, rows: list[int]) -> None:
        if self._row in rows:
            self._update_facts()

    def _on_relabelled(self) -> None:
        self._update_facts()
        self._overlay_by_default(self._row)  # the cell may have become a suspect, or not
        self._redraw()  # the call may have flipped, and with it the heatmap shown


#: What the panel says of a file without a call before its reason, by kind: a grey image was
#: read, and a whole field's reason says itself that no cell was found in it.
KIND_HEADINGS = {UNREADABLE: "Could not read this file:\n",
                 REFUSED: "Read, and refused as no stained cell image:\n"}


def _no_call_message(result: ScreeningResult) -> str:
    """Why a row has no call: its reason, said once here (the review buttons and Grad-CAM are
    off on such a row, and the list's Error column gives the reason too)."""
    reason = KIND_HEADINGS.get(kind_of(result.error), "") + result.error
    return f"{reason}\n\nNo call: nothing to review, no Grad-CAM"
