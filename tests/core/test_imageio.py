"""Reading any image into 8-bit RGB, and clear errors for bad files."""

from __future__ import annotations

import io
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from malariascope.core.errors import ImageReadError, ImageTooLargeError
from malariascope.core.imageio import read_image
from tests.images import (
    damaged_jpeg,
    make_cell,
    png_claiming_size,
    write_deep_tiff,
    write_rgb,
)


def test_rgb_channel_order_is_kept(tmp_path):
    image = np.zeros((10, 12, 3), np.uint8)
    image[..., 0] = 200  # red
    got = read_image(write_rgb(tmp_path / "red.png", image))
    assert got.shape == (10, 12, 3) and got.dtype == np.uint8
    assert got[..., 0].min() == 200 and got[..., 1:].max() == 0


def test_grayscale_rgba_and_16_bit_become_8_bit_rgb(tmp_path):
    gray = np.full((8, 8), 77, np.uint8)
    cv2.imwrite(str(tmp_path / "gray.png"), gray)
    rgba = np.dstack([np.full((8, 8, 3), 50, np.uint8), np.full((8, 8), 128, np.uint8)])
    cv2.imwrite(str(tmp_path / "rgba.png"), rgba)
    deep = np.full((8, 8, 3), 65535, np.uint16)
    deep[..., 2] = 0  # BGR on disk: red is 0
    cv2.imwrite(str(tmp_path / "deep.tif"), deep)
    assert (read_image(tmp_path / "gray.png") == 77).all()
    assert (read_image(tmp_path / "rgba.png") == 50).all()
    got = read_image(tmp_path / "deep.tif")
    assert got.dtype == np.uint8 and got[0, 0].tolist() == [0, 255, 255]


def test_non_ascii_path_and_1x1_image(tmp_path):
    folder = tmp_path / "Blutausstrich ü 样本"
    folder.mkdir()
    path = write_rgb(folder / "célula 1.png", make_cell(size=1))
    assert read_image(path).shape == (1, 1, 3)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"plain text, not pixels", "not an image: a text file"),
        (png_claiming_size(50_000, 50_000), "too large"),
    ],
)
def test_bad_files_raise_read_errors_with_reasons(tmp_path, content, reason):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageReadError, match=reason):
        read_image(path)


def test_huge_header_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png_claiming_size(50_000, 50_000))
    with pytest.raises(ImageTooLargeError):
        read_image(path)


@pytest.mark.skipif(sys.platform == "win32", reason="NTFS gives a file its clusters")
def test_a_sparse_30_gb_file_is_refused_before_reading(tmp_path):
    """It was read whole into memory: a MemoryError, a traceback and no report."""
    path = tmp_path / "sparse.png"
    with open(path, "wb") as handle:
        handle.truncate(30 * 2**30)
    with pytest.raises(ImageTooLargeError, match="file too large: 30,720 MB, over the 128 MB"):
        read_image(path)


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ImageReadError, match="cannot open"):
        read_image(tmp_path / "nope.png")


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated_png_is_refused_without_a_word_on_the_terminal(tmp_path, capfd, keep):
    """libpng prints to the process's stderr (not Python's) when OpenCV feeds it a short PNG."""
    good = cv2.imencode(".png", make_cell(seed=3))[1].tobytes()
    path = tmp_path / "cut.png"
    path.write_bytes(good[: int(len(good) * keep)])
    with pytest.raises(ImageReadError, match="truncated PNG"):
        read_image(path)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("where", ["data", "checksum"])
def test_a_png_damaged_in_copying_is_refused_without_a_word_on_the_terminal(
        tmp_path, capfd, real_cells, where):
    """A byte changed in a real cell's image data (or in its checksum) made libpng print
    "libpng error: IDAT: CRC error" on the terminal, and the row said only "not a readable
    image"."""
    data = bytearray(real_cells["parasitized"][0].read_bytes())
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4:at], "big")
    data[at + 4 + (length // 2 if where == "data" else length)] ^= 0xFF
    path = tmp_path / "damaged.png"
    path.write_bytes(bytes(data))
    with pytest.raises(ImageReadError, match="damaged PNG: its IDAT chunk fails its checksum"):
        read_image(path)
    assert capfd.readouterr().err == ""


def test_a_tiff_with_a_camera_s_own_tag_reads_without_a_word_on_the_terminal(
        tmp_path, capfd, real_cells):
    """libtiff warned of every tag it does not know, as microscope cameras write their own:
    "[ WARN:0@3.2] global grfmt_tiff.cpp:123 TIFF_Warning ... Unknown field with tag 65000",
    a line per file of the batch on the terminal."""
    from PIL import TiffImagePlugin

    cell = Image.open(real_cells["parasitized"][0]).convert("RGB")
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[65000] = "camera settings"
    tags.tagtype[65000] = 2  # ASCII
    cell.save(tmp_path / "camera.tif", tiffinfo=tags)
    assert np.array_equal(read_image(tmp_path / "camera.tif"), np.asarray(cell))
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("suffix", [".bmp", ".gif", ".ppm", ".jp2"])
def test_a_file_cut_short_is_refused_without_opencv_s_lines_on_the_terminal(
        tmp_path, capfd, suffix):
    """OpenCV logged its decoder's failure on a BMP, GIF, PPM or JPEG 2000 cut short:
    "[ERROR:0@0.15] global loadsave.cpp:1412 imdecode_ imdecode_(''): can't read data: ...
    Unexpected end of input stream", two to four lines beside the file's one line."""
    encoded = io.BytesIO()
    Image.fromarray(make_cell(seed=3)).save(encoded, Image.registered_extensions()[suffix])
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(encoded.getvalue()[: len(encoded.getvalue()) * 6 // 10])
    with pytest.raises(ImageReadError, match="not a readable image"):
        read_image(path)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("extra", [100, 5_000, 100_000])
def test_png_with_bytes_after_its_end_still_reads(tmp_path, extra):
    good = cv2.imencode(".png", make_cell(seed=3))[1].tobytes()
    path = tmp_path / "padded.png"
    path.write_bytes(good + b"\0" * extra)
    assert read_image(path).shape == make_cell(seed=3).shape


def test_a_jpeg_damaged_mid_file_is_refused_without_a_word_on_the_terminal(tmp_path, capfd):
    """libjpeg decoded it "successfully", with grey blocks past the damage, and only warned on
    the terminal: a field gave 19 cells of 114 and a false parasitemia, exit 0."""
    path = tmp_path / "damaged.jpg"
    path.write_bytes(damaged_jpeg())
    with pytest.raises(ImageReadError, match=r"damaged JPEG: .*\(libjpeg: Corrupt JPEG data"):
        read_image(path)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("options", [
    {}, {"progressive": True}, {"subsampling": 0}, {"mode": "L"}, {"mode": "CMYK"},
    {"restart_marker_blocks": 1},
])
def test_sound_jpegs_of_every_kind_still_read(tmp_path, options):
    mode = options.pop("mode", "RGB")
    buffer = io.BytesIO()
    Image.fromarray(make_cell(seed=4)).convert(mode).save(buffer, "JPEG", **options)
    path = tmp_path / "sound.jpg"
    path.write_bytes(buffer.getvalue())
    assert read_image(path).shape == make_cell(seed=4).shape


@pytest.mark.parametrize(("dtype", "top"), [
    (np.float32, 255), (np.float32, 1.0), (np.float64, 255), (np.int16, 255), (np.int16, 4095),
    (np.int32, 255), (np.int32, 65535), (np.uint16, 4095), (np.uint16, 65535),
])
def test_deep_tiffs_are_scaled_by_the_range_their_values_use(tmp_path, dtype, top):
    """A float32 TIFF holding 0-255, an int16 or an int32 one came out black and white (scaled
    as if 0-1), and a 12-bit camera's 0-4095 in a 16-bit TIFF nearly black."""
    cell = make_cell(parasitized=True, seed=2)
    write_deep_tiff(tmp_path / "deep.tif", cell, dtype, top)
    got = read_image(tmp_path / "deep.tif")
    assert got.dtype == np.uint8
    assert np.abs(got.astype(int) - cell).max() <= 1


@pytest.mark.parametrize(("values", "reason"), [
    (-1.0, "negative float32 pixel values"), (np.nan, "not numbers"), (np.inf, "not numbers"),
])
def test_tiffs_without_brightness_are_refused(tmp_path, values, reason):
    image = np.full((20, 20, 3), 100, np.float32)
    image[5, 5] = values
    assert cv2.imwrite(str(tmp_path / "odd.tif"), image)
    with pytest.raises(ImageReadError, match=reason):
        read_image(tmp_path / "odd.tif")


def test_negative_integers_are_refused(tmp_path):
    image = np.full((20, 20, 3), 100, np.int16)
    image[0, 0] = -5
    assert cv2.imwrite(str(tmp_path / "odd.tif"), image)
    with pytest.raises(ImageReadError, match=r"negative int16 pixel values \(down to -5\)"):
        read_image(tmp_path / "odd.tif")
