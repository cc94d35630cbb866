"""The selected cell, large: image or Grad-CAM overlay, its numbers, and the review buttons.

A cell of a whole field is its box cut from the field (read once for all its cells).

The image and both heatmaps are computed in a worker when the selection changes (a large
image would stall the UI); blending for the opacity slider is the core's ``overlay`` on
arrays already in memory, cheap enough to follow the slider live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from malariascope.gui.batch import Batch
from malariascope.gui.cell_facts import CellFacts
from malariascope.gui.thumbnails import read_cell, rgb_qimage
from malariascope.gui.workers import LatestLoad, WorkerGroup

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


def paint_backdrop(widget: QWidget, image: QImage, message: str) -> QPainter:
    """Start painting ``widget``: black, with ``message`` centred while there is no ``image``."""
    painter = QPainter(widget)
    painter.fillRect(widget.rect(), Qt.GlobalColor.black)
    if image.isNull():
        painter.setPen(Qt.GlobalColor.lightGray)
        painter.drawText(widget.rect(), Qt.AlignmentFlag.AlignCenter, message)
    return painter


class ImageCanvas(QWidget):
    """Draws one image scaled to fit, centred, keeping its aspect ratio (high-DPI aware)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.message = "No cell selected"
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage, message: str = "") -> None:
        self._image, self.message = image, message
        self.update()

    def image(self) -> QImage:
        return self._image

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def paintEvent(self, event) -> None:
        painter = paint_backdrop(self, self._image, self.message)
        if self._image.isNull():
            return
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                        size.width(), size.height())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self._image)


class DetailView(QWidget):
    """The selected row of ``batch``; call :meth:`show_row` when the selection changes."""

    def __init__(self, batch: Batch, workers: WorkerGroup, review_actions: Sequence[QAction],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.batch = batch
        self._loads = LatestLoad(workers)
        self._row: int | None = None
        self._cell: CellImages | None = None
        self.canvas = ImageCanvas()
        self.overlay_box = QCheckBox("Grad-CAM overlay")
        self.overlay_box.setChecked(True)
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(45)
        self.opacity.setToolTip("Overlay opacity")
        # a click leaves the keys with the list, so arrows and PgUp/PgDn move to the next cell,
        # not the opacity; Tab still reaches both
        for control in (self.overlay_box, self.opacity):
            control.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.facts = CellFacts(batch)
        self._build(review_actions)
        self.overlay_box.toggled.connect(self._on_overlay_changed)
        self.opacity.valueChanged.connect(self._on_overlay_changed)
        batch.events.reviewed.connect(self._on_reviewed)
        batch.events.relabelled.connect(self._on_relabelled)
        batch.events.reset.connect(lambda: self.show_row(None))

    def _build(self, review_actions: Sequence[QAction]) -> None:
        overlay_row = QHBoxLayout()
        overlay_row.addWidget(self.overlay_box)
        overlay_row.addWidget(self.opacity, 1)
        buttons = QHBoxLayout()
        for action in review_actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys keep working in the list
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(overlay_row)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)

    def save_settings(self, store: QSettings) -> None:
        store.setValue("overlay/on", self.overlay_box.isChecked())
        store.setValue("overlay/opacity", self.opacity.value())

    def restore_settings(self, store: QSettings) -> None:
        self.overlay_box.setChecked(store.value("overlay/on", True, type=bool))
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
        self._on_overlay_changed()
        if result is None:
            self.canvas.set_image(QImage(), "No cell selected")
            return
        if not result.ok:
            self.canvas.set_image(QImage(), _no_call_message(result))
            return
        self.canvas.set_image(self.canvas.image(), "Loading…")
        self._loads.start(load_cell, result, self._on_cell_loaded, self._on_cell_failed)

    def current_row(self) -> int | None:
        return self._row

    def _on_cell_loaded(self, cell: CellImages) -> None:
        self._cell = cell
        self._redraw()

    def _on_cell_failed(self, exc: Exception) -> None:
        self.canvas.set_image(QImage(), f"Could not read this file:\n{exc}")

    # -- drawing -------------------------------------------------------------------------
    def _on_overlay_changed(self, *_: object) -> None:
        self.opacity.setEnabled(self.overlay_box.isEnabled() and self.overlay_box.isChecked())
        self._redraw()

    def _redraw(self) -> None:
        cell, row = self._cell, self._row
        if cell is None or row is None:
            return
        heat = cell.heat_parasitized if self.batch.suspect(row) else cell.heat_uninfected
        image = cell.image
        if self.overlay_box.isChecked() and heat is not None:
            from malariascope.core.gradcam import overlay

            image = overlay(image, heat, self.opacity.value() / 100.0)
        self.canvas.set_image(rgb_qimage(image))

    def _update_facts(self) -> None:
        self.facts.show_row(self._row)

    def _on_reviewed(self, rows: list[int]) -> None:
        if self._row in rows:
            self._update_facts()

    def _on_relabelled(self) -> None:
        self._update_facts()
        self._redraw()  # the call may have flipped, and with it the heatmap shown


def _no_call_message(result: ScreeningResult) -> str:
    """Why a row has no call: its reason, said once here (the review buttons and Grad-CAM are
    off on such a row, and the list's Error column gives the reason too)."""
    reason = result.error if result.whole_field else f"Could not read this file:\n{result.error}"
    return f"{reason}\n\nNo call: nothing to review, no Grad-CAM"
