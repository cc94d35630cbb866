"""Generated test images: cells drawn with OpenCV, written in several formats."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def make_cell(size: int = 120, parasitized: bool = False, seed: int = 0) -> np.ndarray:
    """An RGB cell: a pink disc on black, with dark purple dots when parasitized."""
    rng = np.random.default_rng(seed)
    image = np.zeros((size, size, 3), np.uint8)
    centre = (size // 2, size // 2)
    radius = int(size * rng.uniform(0.36, 0.45))
    colour = tuple(int(c) for c in rng.integers((190, 120, 130), (230, 160, 170)))
    cv2.circle(image, centre, radius, colour, -1)
    if parasitized:
        for _ in range(int(rng.integers(1, 4))):
            offset = rng.integers(-radius // 2, radius // 2, 2)
            cv2.circle(
                image,
                (centre[0] + int(offset[0]), centre[1] + int(offset[1])),
                int(rng.integers(4, 9)),
                (90, 30, 120),
                -1,
            )
    noise = rng.normal(0, 3, image.shape)
    return np.clip(image + noise * (image > 0), 0, 255).astype(np.uint8)


def write_rgb(path: Path, image: np.ndarray) -> Path:
    """Write an RGB image with OpenCV (BGR on disk), any extension OpenCV knows; a PNG names
    its path (:func:`named_png`)."""
    ok, data = cv2.imencode(path.suffix, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    assert ok, path
    path.write_bytes(named_png(data.tobytes(), str(path)) if path.suffix.lower() == ".png"
                     else data.tobytes())
    return path


def named_png(data: bytes, name: str) -> bytes:
    """The PNG ``data`` with a text chunk naming ``name`` (by its hash): generated cells of
    like pixels written under different names are distinct files, as two real cells are,
    where the app leaves a byte-identical copy out. The pixels are unchanged."""
    body = b"Source\x00" + hashlib.sha256(os.fsencode(name)).hexdigest().encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(chunk[4:]))
    return data[:-12] + chunk + data[-12:]  # before IEND, the last 12 bytes


def write_deep_tiff(path: Path, image: np.ndarray, dtype: type, top: float = 255) -> Path:
    """An 8-bit RGB image written as a TIFF of ``dtype`` whose values span 0 to ``top``."""
    deep = (cv2.cvtColor(image, cv2.COLOR_RGB2BGR) * (top / 255)).astype(dtype)
    assert cv2.imwrite(str(path), deep), path
    return path


def make_cell_folder(folder: Path, count: int, prefix: str = "cell") -> list[Path]:
    """``count`` generated cells, alternating uninfected and parasitized, as PNG files."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_rgb(folder / f"{prefix}_{i}.png", make_cell(parasitized=bool(i % 2), seed=i))
        for i in range(count)
    ]


def write_many_cells(folder: Path, count: int, size: int = 120) -> Path:
    """``count`` generated cells in ``folder`` (made), fast: twenty pictures, each written
    many times, each file named within (:func:`named_png`: no file is a copy of another)."""
    folder.mkdir(parents=True, exist_ok=True)
    encoded = [cv2.imencode(".png", make_cell(size=size, parasitized=bool(i % 2), seed=i))[1]
               for i in range(20)]
    for i in range(count):
        (folder / f"cell_{i}.png").write_bytes(named_png(encoded[i % 20].tobytes(), str(i)))
    return folder


def png_claiming_size(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width x height`` but holds almost no data."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def repeating_tiff(band: np.ndarray, copies: int) -> bytes:
    """A deflate-compressed RGB TIFF of ``band`` (rows, width, 3; any integer or float type)
    stacked ``copies`` times: every strip points at one compressed band, so a file of a few MB
    decodes to gigabytes, as a compressed float TIFF of a smooth image can."""
    import struct
    import zlib

    rows, width = band.shape[:2]
    kind = {"u": 1, "i": 2, "f": 3}[band.dtype.kind]
    data = zlib.compress(np.ascontiguousarray(band).tobytes(), 1)
    shorts3 = struct.pack("<3H", *[band.itemsize * 8] * 3) + struct.pack("<3H", *[kind] * 3)
    start = 8 + len(data)  # the arrays, then the IFD
    arrays = shorts3 + struct.pack(f"<{copies}I", *[8] * copies)
    arrays += struct.pack(f"<{copies}I", *[len(data)] * copies)
    offsets = start + 6, start + 12, start + 12 + 4 * copies  # sample format, strips, counts
    entries = [(256, 4, 1, width), (257, 4, 1, rows * copies), (258, 3, 3, start),
               (259, 3, 1, 8), (262, 3, 1, 2), (273, 4, copies, offsets[1]), (277, 3, 1, 3),
               (278, 4, 1, rows), (279, 4, copies, offsets[2]), (284, 3, 1, 1),
               (339, 3, 3, offsets[0])]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries)
    header = b"II*\0" + struct.pack("<I", start + len(arrays))
    return header + data + arrays + ifd + b"\0\0\0\0"


def write_broken_files(folder: Path) -> dict[str, str]:
    """Files that must become error rows; returns name -> a word the reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "zero.png").write_bytes(b"")
    good = cv2.imencode(".png", make_cell(seed=3))[1].tobytes()
    (folder / "truncated.png").write_bytes(good[: len(good) // 3])
    (folder / "text.png").write_text("this is not an image", encoding="utf-8")
    (folder / "huge.png").write_bytes(png_claiming_size(50_000, 50_000))
    return {
        "zero.png": "empty",
        "truncated.png": "truncated PNG",
        "text.png": "not an image: a text file",
        "huge.png": "too large",
    }


GLASS = (205, 228, 208)
CELL = (160, 146, 166)
RADIUS = 30


def draw_cell(image: np.ndarray, centre: tuple[int, int], radius: int, dots: int = 0,
              rng: np.random.Generator | None = None) -> None:
    """A grey-violet cell with a darker rim, a pale centre and optional dark parasite dots."""
    cv2.circle(image, centre, radius, tuple(c - 25 for c in CELL), -1, cv2.LINE_AA)
    cv2.circle(image, centre, radius - 4, CELL, -1, cv2.LINE_AA)
    cv2.circle(image, centre, radius // 3, (185, 176, 188), -1, cv2.LINE_AA)
    rng = rng or np.random.default_rng(0)
    for _ in range(dots):
        offset = rng.integers(-radius // 2, radius // 2, 2)
        cv2.circle(image, (centre[0] + int(offset[0]), centre[1] + int(offset[1])), 4,
                   (95, 40, 125), -1, cv2.LINE_AA)


def make_field(seed: int = 0) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """An 800x600 field: 32 lone cells (some infected), 3 touching pairs, 3 cells cut by the
    border, 6 specks of debris. Returns the image and the boxes of the FIELD_CELLS whole cells."""
    rng = np.random.default_rng(seed)
    image = np.full((600, 800, 3), GLASS, np.uint8)
    slots = [(x, y) for y in range(80, 500, 100) for x in range(80, 720, 100)]
    pair_slots = {5, 17, 30}
    boxes = []
    for i, (x, y) in enumerate(slots):
        r = RADIUS + int(rng.integers(-2, 3))
        x, y = x + int(rng.integers(-4, 5)), y + int(rng.integers(-4, 5))
        centres = [(x - 26, y), (x + 26, y)] if i in pair_slots else [(x, y)]
        for cx, cy in centres:
            draw_cell(image, (cx, cy), r, dots=int(i % 4 == 1) * 3, rng=rng)
            boxes.append((cx - r, cy - r, 2 * r + 1, 2 * r + 1))
    for centre in [(-6, 330), (806, 230), (400, 606)]:
        draw_cell(image, centre, RADIUS)
    for x, y in [(130, 130), (330, 230), (530, 330), (230, 430), (630, 130), (740, 540)]:
        cv2.circle(image, (x, y), 4, (120, 70, 130), -1)
    noise = rng.normal(0, 2.0, image.shape)
    image = np.clip(cv2.GaussianBlur(image, (0, 0), 1.2) + noise, 0, 255).astype(np.uint8)
    return image, boxes


#: The whole cells of a generated field (``write_field``, ``make_field``): the cells found.
FIELD_CELLS = 38


def damaged_jpeg(seed: int = 0) -> bytes:
    """A generated whole field as JPEG with 40 bytes changed halfway through its compressed
    data: libjpeg decodes it, warning "Corrupt JPEG data", with grey blocks past the damage."""
    data = bytearray(cv2.imencode(".jpg", make_field(seed)[0])[1].tobytes())
    middle = len(data) // 2
    data[middle:middle + 40] = bytes(b ^ 0x5A for b in data[middle:middle + 40])
    return bytes(data)


def write_field(path: Path, seed: int = 0) -> tuple[Path, list[tuple[int, int, int, int]]]:
    """A generated 800x600 whole field (``make_field``: FIELD_CELLS
    whole cells, some with parasite dots, touching pairs, border-cut cells, debris) written
    losslessly; returns the path and the boxes of the whole cells."""
    image, boxes = make_field(seed)
    return write_rgb(path, image), boxes


def write_glass(path: Path) -> Path:
    """An 800x600 field of empty glass, lit unevenly as through a microscope: no cell to find
    (and not blank, as a frame of one colour would be)."""
    shade = np.linspace(-20.0, 20.0, 800)[None, :, None]
    return write_rgb(path, np.clip(np.full((600, 800, 3), GLASS) + shade, 0, 255).astype(np.uint8))


def same_named_cells(folder: Path, cell_test_dir: Path) -> Path:
    """Two real parasitized cells, both named cell.png, in subfolders a/ and b/ of ``folder``."""
    sources = sorted((cell_test_dir / "parasitized").glob("C129P90*.png"))[:2]
    for sub, source in zip("ab", sources, strict=True):
        (folder / sub).mkdir(parents=True)
        shutil.copy(source, folder / sub / "cell.png")
    return folder


def write_files_without_call(folder: Path, cells: list[Path]) -> dict[str, str]:
    """Beside copies of the real ``cells``, a real cell cut short (unreadable), and two read
    and refused: the first cell in grey, and an animated GIF of two cells. Returns each file
    without a call by name, with the kind of :mod:`malariascope.core.withoutcall` it is."""
    folder.mkdir(parents=True, exist_ok=True)
    for cell in cells:
        shutil.copy(cell, folder / cell.name)
    data = cells[0].read_bytes()
    (folder / "cut.png").write_bytes(data[: len(data) // 3])
    rgb = cv2.cvtColor(cv2.imread(str(cells[0])), cv2.COLOR_BGR2GRAY)
    write_rgb(folder / "grey.png", np.dstack([rgb] * 3))
    frames = [Image.open(cell).convert("RGB") for cell in cells[:2]]
    frames[0].save(folder / "two cells.gif", save_all=True, append_images=frames[1:])
    return {"cut.png": "unreadable", "grey.png": "refused", "two cells.gif": "refused"}
