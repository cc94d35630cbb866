"""A case's report as a PDF, with Qt's own ``QPdfWriter`` and ``QTextDocument``.

Needs only a ``QGuiApplication`` (see :func:`gui_application`), so the CLI prints too, without
a display. The document is laid out at 96 px an inch, as the HTML's sizes are meant, and
paginated here so that every page carries the slide, the patient and "page n of m": a page
parted from the others still says whose it is. Qt writes the PDF into memory, since it does not
report a failed write to a file; Python then writes it to a temporary name, flushed, and renames
it into place, never over an existing file unless asked.
"""

from __future__ import annotations

import html
import math
import os
import sys
from pathlib import Path

import numpy as np
import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextFormat,
    QTextOption,
)

from malariascope import __version__
from malariascope.core.atomic import why, write_bytes_atomic
from malariascope.core.errors import ReportAppearedError, ReportError
from malariascope.core.targets import check_file_target
from malariascope.core.unfinished import exporting
from malariascope.printing import PAGE_SIZES
from malariascope.printing.bidi import isolated, without_controls
from malariascope.printing.content import TITLE, CaseReport, report_html
from malariascope.printing.fields import LINES_PER_PART
from malariascope.qt_locale import quiet_about_a_locale_not_utf8

DPI = 96  # the HTML's px: the resolution the document is laid out and painted at
MARGIN_MM = 15
FOOTER_GREY = "#555555"
FOOTER_GAP_PX = 6  # between a page's text and its footer
PICTURE_PIXELS = 168  # a gallery picture's pixels: 2x its printed size, about 190 dpi
_NUMBER_WIDEST = "Page 8888 of 8888 "  # the room kept for a page's number beside the footer
_PAGE_IDS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
_app: QGuiApplication | None = None  # the application this module made, kept alive


def gui_application() -> QGuiApplication:
    """The running ``QGuiApplication``, or a new one; offscreen on Linux without a display
    (or a missing display library), as a CLI run over SSH is."""
    global _app
    running = QGuiApplication.instance()
    if running is not None:
        if not isinstance(running, QGuiApplication):
            raise RuntimeError("a QCoreApplication runs: printing needs a QGuiApplication")
        return running
    argv = ["malariascope"]
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        argv += ["-platform", "offscreen"]
    with quiet_about_a_locale_not_utf8():
        _app = QGuiApplication(argv)
    return _app


def write_case_pdf(path: str | os.PathLike[str], report: CaseReport, page_size: str = "A4",
                   overwrite: bool = False) -> Path:
    """Write ``report`` as a PDF on ``page_size`` paper (A4 or Letter); returns the path.

    :class:`ReportError` when it cannot be written, :class:`ReportExistsError` when the file
    exists and ``overwrite`` is not given, :class:`ReportBusyError` while another writer
    holds its lock; the old file, if any, is left whole either way. The export is recorded
    while it is written: one cut off is told at the next start (``core.unfinished``).
    """
    path = Path(path)
    check_file_target(path, overwrite, "the PDF report")
    with exporting(path):
        pdf = case_pdf_bytes(path, report, page_size)
        try:
            write_bytes_atomic(path, pdf, overwrite)
        except FileExistsError:  # it appeared while the report was laid out
            raise ReportAppearedError(path) from None
        except OSError as exc:
            raise ReportError(f"cannot write {path}: {why(exc)}") from exc
    return path


def case_pdf_bytes(path: Path, report: CaseReport, page_size: str = "A4") -> bytes:
    """``report`` laid out as a PDF on ``page_size`` paper, for ``path`` (named when Qt
    makes no whole PDF: :class:`ReportError`)."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {page_size!r}")
    gui_application()
    pdf = _pdf_bytes(report, page_size)
    if not (pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-32:]):
        raise ReportError(f"cannot write {path}: Qt made no whole PDF")
    return pdf


def _pdf_bytes(report: CaseReport, page_size: str) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, report, page_size)
    _paint(report, writer)
    # ends the PDF; the text layouts painted for it took the writer from Python (their
    # setPaintDevice), so dropping the name would keep it, and its engine, for good
    shiboken6.delete(writer)
    return bytes(buffer.data())


def print_case(printer: QPagedPaintDevice, report: CaseReport) -> None:
    """Print ``report`` on ``printer`` (a ``QPrinter`` a print dialog set up), laid out as
    the PDF is; :class:`ReportError` when the printer cannot be painted on."""
    gui_application()
    printer.setResolution(DPI)
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    printer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    try:
        _paint(report, printer)
    except OSError as exc:
        raise ReportError(f"cannot print: {why(exc)}") from exc


def _writer(device: QIODevice, report: CaseReport, page_size: str) -> QPdfWriter:
    writer = QPdfWriter(device)
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(
        QPageSize(_PAGE_IDS[page_size]), QPageLayout.Orientation.Portrait,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{TITLE}: {without_controls(report.case.name)}")  # the id, else opened
    writer.setCreator(f"MalariaScope {__version__}")
    return writer


def _new_document(writer: QPagedPaintDevice, points: float) -> QTextDocument:
    """An empty document laid out for ``writer`` in the system's font at ``points``."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)  # pt and px as printed, not as on screen
    document.setUseDesignMetrics(True)  # glyphs spaced as designed, not as hinted at 96 dpi
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    font.setPointSizeF(points)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    return document


def _document(report: CaseReport, writer: QPagedPaintDevice, footer: float) -> QTextDocument:
    """The report laid out for ``writer``'s pages, less ``footer`` px, pictures included."""
    document = _new_document(writer, 9)
    for name, cell in report.pictures():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name),
                             _square(cell.picture))
    body = writer.pageLayout().paintRectPixels(DPI)
    document.setPageSize(QSizeF(body.width(), body.height() - footer))
    _set_html(document, report)
    _keep_tables_whole(document)
    return document


def _set_html(document: QTextDocument, report: CaseReport) -> None:
    """Lay out the report with its fields' table in parts of :data:`LINES_PER_PART` lines, or
    of fewer where long names, wrapped, make a part taller than a page: a part is then still
    moved whole to a page, under its column names, and no field's line is split."""
    page_height = document.pageSize().height()
    per_part = LINES_PER_PART
    while True:
        document.setHtml(report_html(report, per_part))
        parts = math.ceil(len(report.fields) / per_part)  # the last may hold fewer lines
        tallest = _tallest_part(document, parts)
        if tallest < page_height or per_part == 1:
            return
        per_part = _fewer_lines(per_part, tallest, page_height)


def _tallest_part(document: QTextDocument, parts: int) -> float:
    """The height of the tallest of the fields' table's ``parts`` parts (0 for none): the
    last top-level tables of ``document``, as the table ends the report."""
    tables = document.rootFrame().childFrames()
    table_parts = tables[len(tables) - parts:]
    layout = document.documentLayout()
    return max((layout.frameBoundingRect(part).height() for part in table_parts), default=0)


def _fewer_lines(per_part: int, tallest: float, page_height: float) -> int:
    """The lines a part to try next, when ``per_part`` made a part ``tallest`` high, taller
    than a page: as many as would fill a page at that part's height a line, and at least one
    fewer than before, but never under one."""
    filling_a_page = int(per_part * page_height / tallest)
    return max(1, min(per_part - 1, filling_a_page))


def _keep_tables_whole(document: QTextDocument) -> None:
    """Start on a new page every top-level table (a section, a gallery row) that would
    straddle two pages and fits on one; taken in order, as each move shifts those after."""
    height = document.pageSize().height()
    layout = document.documentLayout()
    for frame in document.rootFrame().childFrames():
        box = layout.frameBoundingRect(frame)
        if box.height() < height and int(box.top() // height) != int(box.bottom() // height):
            style = frame.frameFormat()
            style.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            frame.setFrameFormat(style)


def _square(picture: np.ndarray) -> QImage:
    """An RGB ``uint8`` picture fitted, whole and centred, in a white square."""
    picture = np.ascontiguousarray(picture)
    height, width = picture.shape[:2]
    image = QImage(picture.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    square = QImage(PICTURE_PIXELS, PICTURE_PIXELS, QImage.Format.Format_RGB888)
    square.fill(QColor("white"))
    fitted = image.scaled(PICTURE_PIXELS, PICTURE_PIXELS, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    painter = QPainter(square)
    painter.drawImage((PICTURE_PIXELS - fitted.width()) // 2,
                      (PICTURE_PIXELS - fitted.height()) // 2, fitted)
    painter.end()
    return square


def _footer(report: CaseReport, writer: QPagedPaintDevice) -> tuple[QTextDocument, float]:
    """The footer's slide and patient, wrapped (at a word, or anywhere in a long id) beside
    the widest "Page n of m", and the height it takes under the text."""
    facts = report.case.facts
    patient = f" · patient {isolated(facts.patient_id)}" if facts.patient_id else ""
    footer = _new_document(writer, 7)
    option = footer.defaultTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    footer.setDefaultTextOption(option)
    words = f"Slide {isolated(facts.sample_id or '(no id)')}{patient} · MalariaScope {__version__}"
    footer.setHtml(f'<span style="color:{FOOTER_GREY}">{html.escape(words)}</span>')
    number = QFontMetricsF(footer.defaultFont(), writer).horizontalAdvance(_NUMBER_WIDEST)
    width = writer.pageLayout().paintRectPixels(DPI).width()
    footer.setTextWidth(width - number - FOOTER_GAP_PX)
    return footer, FOOTER_GAP_PX + footer.size().height()


def _paint(report: CaseReport, writer: QPagedPaintDevice) -> None:
    """Each page of the report and under it the footer with "page n of m"."""
    footer, footer_height = _footer(report, writer)
    document = _document(report, writer, footer_height)
    page = document.pageSize()
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(0, "the PDF file could not be opened for writing")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page.height())
            document.drawContents(painter, QRectF(0, number * page.height(), page.width(),
                                                  page.height()))
            painter.restore()
            painter.save()
            painter.translate(0, page.height() + FOOTER_GAP_PX)
            painter.setPen(QColor(FOOTER_GREY))
            footer.drawContents(painter)
            painter.setFont(footer.defaultFont())
            painter.drawText(QRectF(0, 0, page.width(), footer_height),
                             Qt.AlignmentFlag.AlignRight, f"Page {number + 1} of {pages}")
            painter.restore()
    finally:
        painter.end()
