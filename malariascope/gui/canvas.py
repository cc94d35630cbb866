"""Pictures of a cell: an image scaled to fit, and the legend of a Grad-CAM overlay.

Images are drawn with smooth scaling from the cell's own pixels, so a 130-pixel cell shown
at 400 pixels has no nearest-neighbour blocks.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette, QPixmap, QTextOption
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

LEGEND_WIDTH, LEGEND_HEIGHT = 96, 10  # the legend's colour bar, logical pixels
TEXT_MARGIN = 12  # between a message and the widget's edges, logical pixels


def paint_backdrop(widget: QWidget, image: QImage, message: str) -> QPainter:
    """Start painting ``widget``: black, with ``message`` centred while there is no ``image``,
    wrapped within its margins (at a space where it can: a path may have none)."""
    painter = QPainter(widget)
    painter.fillRect(widget.rect(), Qt.GlobalColor.black)
    if image.isNull():
        option = QTextOption(Qt.AlignmentFlag.AlignCenter)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        area = QRectF(widget.rect()).adjusted(TEXT_MARGIN, TEXT_MARGIN, -TEXT_MARGIN,
                                              -TEXT_MARGIN)
        painter.setPen(Qt.GlobalColor.lightGray)
        painter.drawText(area, message, option)
    return painter


class ImageCanvas(QWidget):
    """Draws one image scaled to fit, centred, keeping its aspect ratio (high-DPI aware)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.message = "No cell selected"
        # two side by side fit where one did; as short as a 1024 x 600 screen needs, still
        # tall enough for the lines of a no-call message
        self.setMinimumSize(100, 100)
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


class HeatLegend(QWidget):
    """A colour bar from "less" to "more" beside a caption naming the class whose map is shown.

    The bar's colours come from the core's colour map, read when first shown (numpy and
    OpenCV are not loaded before the window paints).
    """

    CAPTIONS = {True: "where the network sees a parasite",
                False: "where the network sees an uninfected cell"}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QLabel()
        self.caption = QLabel()
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # the caption takes the room left, on two lines where one is too short: the panel is
        # never made wider for it, and it is read whole
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.caption.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel("less"), self.bar, QLabel("more")):
            layout.addWidget(widget)
        layout.addWidget(self.caption, 1)

    def show_class(self, parasite: bool) -> None:
        """Name the map of *parasitized* (``parasite``) or of *uninfected*."""
        if self.bar.pixmap().isNull():
            self.bar.setPixmap(_colour_bar(QSize(LEGEND_WIDTH, LEGEND_HEIGHT)))
        self.caption.setText(self.CAPTIONS[parasite])


def _colour_bar(size: QSize) -> QPixmap:
    import numpy as np

    from malariascope.core.gradcam import heat_colours
    from malariascope.gui.thumbnails import rgb_qimage

    ramp = np.linspace(0.0, 1.0, size.width(), dtype=np.float32)[None, :]
    image = rgb_qimage(heat_colours(ramp))
    return QPixmap.fromImage(image.scaled(size, Qt.AspectRatioMode.IgnoreAspectRatio))
