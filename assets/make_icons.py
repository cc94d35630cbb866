"""Render ``malariascope.svg`` to the PNG and ICO files the app and the installers use.

Run after editing the SVG: ``QT_QPA_PLATFORM=offscreen python assets/make_icons.py``.
The outputs are committed, so the app never needs the SVG renderer at run time.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size`` x ``size`` pixels, transparent around the rounded square."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A multi-size ICO holding PNG images (supported since Windows Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, blob in pngs.items():
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841  (QImage painting needs an application)
    renderer = QSvgRenderer(str(HERE / "malariascope.svg"))
    if not renderer.isValid():
        print("cannot parse malariascope.svg", file=sys.stderr)
        return 1
    pngs = {size: png_bytes(render(renderer, size)) for size in SIZES}
    for size, blob in pngs.items():
        (HERE / f"malariascope-{size}.png").write_bytes(blob)
    (HERE / "malariascope.png").write_bytes(pngs[256])
    (HERE / "malariascope.ico").write_bytes(ico_bytes(pngs))
    print(f"wrote {len(pngs) + 2} files to {HERE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
