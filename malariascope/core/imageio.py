"""Read any image file into an 8-bit RGB array, once, the same way everywhere.

OpenCV decodes from bytes (read in Python, then ``cv2.imdecode``) so paths with non-ASCII
characters work on Windows too. What one file may cost is bounded before it is paid: a file
over :data:`MAX_FILE_BYTES` is refused before a byte is read, and OpenCV checks the declared
size against ``OPENCV_IO_MAX_IMAGE_PIXELS`` while reading the header, so a file claiming a
huge size is refused before any pixel buffer is allocated.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import stat
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import simplejpeg

from malariascope import MAX_IMAGE_PIXELS
from malariascope.core import animation, gif, tiff
from malariascope.core.bitdepth import to_uint8
from malariascope.core.errors import ImageReadError, ImageTooLargeError
from malariascope.core.suffixes import IMAGE_SUFFIXES
from malariascope.core.textfile import NOT_AN_IMAGE, is_plain_text
from malariascope.core.withoutcall import SEVERAL

#: Largest file we read (bytes). A 20-megapixel colour image stored uncompressed at 16 bits a
#: channel (120 MB) fits; a sparse or endless file does not fill memory.
MAX_FILE_BYTES = 128 * 2**20
#: Held while an image is decoded, or a large one worked on (``core.pipeline``), so that two
#: such never take memory at once: OpenCV decodes a 64-bit float TIFF of 20 megapixels
#: through 0.9 GB, and finding the cells of a field that size takes 0.6 to 1 GB. So a batch of
#: images up to :data:`MAX_IMAGE_PIXELS` stays within 1.5 GB (``benchmarks/huge_images.py``).
MEMORY_HEAVY = threading.RLock()


def _unmap_freed_large_blocks() -> None:
    """Have glibc give blocks of 1 MB and more back to the system when they are freed. By
    default it keeps freed blocks of up to 32 MB in its heaps once it has freed one that size,
    and a batch of large images grows by hundreds of MB that way. Other systems' allocators
    map large blocks on their own already."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).mallopt(-3, 2**20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # a C library without mallopt (musl)
        pass


_unmap_freed_large_blocks()

#: Formats whose files may hold several images: name, what its images are called, a counter
_SEVERAL_IMAGES = (("TIFF", "pages", tiff.full_images), ("GIF", "frames", gif.frames),
                   ("PNG", "frames", animation.apng_frames),
                   ("WebP", "frames", animation.webp_frames))
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_NOT_FILES = (  # (test of st_mode, what such a path is)
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def is_image_path(path: Path) -> bool:
    """True when the file name has an image extension (content is checked on read)."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def read_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file as ``uint8`` RGB ``(H, W, 3)``.

    Grayscale becomes three equal channels, alpha is dropped, deeper images are scaled to 8
    bits by the range their values use (see :mod:`~malariascope.core.bitdepth`) and EXIF
    orientation is applied.

    Raises
    ------
    ImageReadError
        With a reason a technician can act on (empty, unreadable, not an image, too large).
    """
    return decode_image(read_bytes(path))


def read_bytes(path: str | os.PathLike[str]) -> np.ndarray:
    """A file's bytes as ``uint8``; raises ``ImageReadError`` when unreadable, empty, not a
    regular file (saying what it is) or larger than :data:`MAX_FILE_BYTES`.

    A path is examined before it is opened, so a FIFO or device named ``*.png`` is never
    opened; the file is opened without blocking and examined again, for one swapped in between.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        _refuse_unreadable(os.stat(path))
        with open(os.open(path, flags), "rb") as handle:
            info = os.fstat(handle.fileno())
            _refuse_unreadable(info)
            data = handle.read(info.st_size)
    except OSError as exc:
        raise ImageReadError(f"cannot open file: {_why_unopened(path, exc)}") from exc
    if not data:
        raise ImageReadError("empty file (0 bytes)")
    return np.frombuffer(data, np.uint8)


def kind_of(mode: int) -> str:
    """What a path of ``os.stat`` mode ``mode`` is when it is no regular file ('a pipe
    (FIFO)'); '' for a regular file or a kind without a name."""
    return next((what for test, what in _NOT_FILES if test(mode)), "")


def _refuse_unreadable(info: os.stat_result) -> None:
    """Refuse what is not a regular file, saying what it is, and a file too large to read."""
    if kind := kind_of(info.st_mode):
        raise ImageReadError(f"{kind}, not an image file")
    if not stat.S_ISREG(info.st_mode):
        raise ImageReadError("not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise ImageTooLargeError(
            f"file too large: {info.st_size / 2**20:,.0f} MB, over the "
            f"{MAX_FILE_BYTES // 2**20} MB an image file may hold; refused before reading"
        )


def _why_unopened(path: str | os.PathLike[str], exc: OSError) -> str:
    """The OS's words, and what the path is when that says more."""
    words = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and os.path.islink(path):
        return f"{words} (a symlink to a missing file)"
    return words


def decode_image(data: np.ndarray) -> np.ndarray:
    """Decode encoded image bytes (``uint8`` 1-D) to ``uint8`` RGB; see :func:`read_image`.

    Images are decoded one at a time, under :data:`MEMORY_HEAVY`.
    """
    _refuse_damaged_png(data)
    _refuse_truncated_webp(data)
    _refuse_several_images(data)
    with MEMORY_HEAVY:
        _refuse_damaged_jpeg(data)
        try:
            with _opencv_silent():
                # BGR, then RGB: OpenCV 5 scrambles 16-bit data under IMREAD_COLOR_RGB|ANYDEPTH
                image = cv2.imdecode(data, cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH)
        except cv2.error as exc:
            raise _decode_error(exc) from exc
        if image is None or image.size == 0:
            raise ImageReadError(NOT_AN_IMAGE if is_plain_text(data) else "not a readable image"
                                 " (corrupt, truncated or unsupported format)")
        image = to_uint8(image)
        return cv2.cvtColor(image, cv2.COLOR_BGR2RGB, dst=image)  # in place: no second copy


@contextlib.contextmanager
def _opencv_silent() -> Iterator[None]:
    """OpenCV's log silenced while a file decodes: its decoders log each file they cannot
    read (a BMP or GIF cut short, a damaged JPEG 2000: "imdecode_(''): can't read data") and
    libtiff warns of each tag it does not know, a line each on the terminal beside the one
    line the file gets."""
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(level)


def _decode_error(exc: cv2.error) -> ImageReadError:
    """What OpenCV's refusal to decode means to a technician."""
    if "MAX_IMAGE_PIXELS" in str(exc):
        return ImageTooLargeError(f"image too large: over {MAX_IMAGE_PIXELS / 1e6:g} megapixels, "
                                  "refused before decoding")
    if "Insufficient memory" in str(exc):
        return ImageTooLargeError("not enough memory to decode this image")
    return ImageReadError("not a readable image (corrupt or unsupported format)")


def _refuse_several_images(data: np.ndarray) -> None:
    """OpenCV decodes the first image of a TIFF of several pages or an animated GIF, PNG or
    WebP alone, and the rest would go unscreened without a word: such a file is refused,
    saying what it holds."""
    view = memoryview(data)
    for kind, parts, count in _SEVERAL_IMAGES:
        if (images := count(view)) > 1:
            raise ImageReadError(f"a {kind} of {images:,} images ({parts}){SEVERAL}")


def _refuse_damaged_png(data: np.ndarray) -> None:
    """A PNG is a chain of chunks closed by ``IEND``, each with a checksum (CRC-32). One that
    stops short, or whose critical chunk (named in capitals: the header, palette, image data)
    fails its checksum, is refused here with a reason that says so: OpenCV would refuse it
    too, but libpng first prints "PNG input buffer is incomplete" or "CRC error" on the
    terminal, outside any message the app controls. The chain is walked by the chunks'
    lengths (a few thousand steps for a large field), so bytes a writer appended after
    ``IEND`` do not matter."""
    if bytes(data[:len(_PNG_SIGNATURE)]) != _PNG_SIGNATURE:
        return
    at = len(_PNG_SIGNATURE)
    while at + 8 <= data.size:  # each chunk: length (4 bytes, big-endian), type (4), data, CRC (4)
        kind = bytes(data[at + 4:at + 8])
        if kind == b"IEND":
            return
        end = at + 8 + int.from_bytes(bytes(data[at:at + 4]), "big")
        if kind[:1].isupper() and end + 4 <= data.size and zlib.crc32(
                data[at + 4:end]) != int.from_bytes(bytes(data[end:end + 4]), "big"):
            raise ImageReadError(f"damaged PNG: its {kind.decode('latin-1')} chunk fails its "
                                 "checksum (the file changed after it was written)")
        at = end + 4
    raise ImageReadError("truncated PNG: the file ends before the image does")


def _refuse_truncated_webp(data: np.ndarray) -> None:
    """A WebP's RIFF header gives the length of the file; one that ends sooner was cut short,
    and is refused as such before its chunks are counted as images: libwebp refuses it too,
    but OpenCV logs that on the terminal, and the frames begun before the cut would be told
    as an animation of that many images."""
    if bytes(data[:4]) != b"RIFF" or bytes(data[8:12]) != b"WEBP":
        return
    if data.size < 8 + int.from_bytes(bytes(data[4:8]), "little"):
        raise ImageReadError("truncated WebP: the file ends before its image data does")


def _refuse_damaged_jpeg(data: np.ndarray) -> None:
    """libjpeg decodes a JPEG whose compressed data is damaged (bytes changed mid-file, a file
    cut short) with grey or shifted blocks past the damage, and only warns on the terminal,
    which OpenCV does not pass on: the cells there would be called all the same. Such a file is
    refused, in libjpeg's words."""
    if bytes(data[:len(_JPEG_SIGNATURE)]) != _JPEG_SIGNATURE:
        return
    warning = _libjpeg_warning(data)
    if warning:
        raise ImageReadError(f"damaged JPEG: it decodes only with grey or shifted blocks "
                             f"(libjpeg: {warning})")


def _libjpeg_warning(data: np.ndarray) -> str:
    """libjpeg-turbo's warning on decoding ``data``; '' when it decodes cleanly, or not at all
    (OpenCV then refuses it), as for one over :data:`MAX_IMAGE_PIXELS`. simplejpeg's strict
    mode raises the warning that OpenCV only prints. The file is decoded at an eighth of its
    size: the damage shows while the compressed data is read, before any scaling."""
    try:
        header = simplejpeg.decode_jpeg_header(data)
    except ValueError:
        return ""  # no JPEG header: OpenCV says what the file is
    if header[0] * header[1] > MAX_IMAGE_PIXELS:
        return ""
    space = "CMYK" if header[2] in ("CMYK", "YCCK") else "GRAY"
    try:
        simplejpeg.decode_jpeg(data, space, min_factor=8)
        return ""
    except ValueError as exc:
        warning = str(exc)
    try:
        simplejpeg.decode_jpeg(data, space, min_factor=8, strict=False)
    except ValueError:
        return ""  # not decodable even with warnings: OpenCV refuses it
    return warning


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of an RGB ``uint8`` image (write them with ``core.atomic``)."""
    ok, buffer = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("PNG encoding failed")
    return buffer.tobytes()
