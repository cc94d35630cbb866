"""Hostile images that decode: fuzzed bytes, grey or tiny pictures, many pages or frames."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from malariascope.core.imageio import read_image
from malariascope.core.pipeline import screen
from tests.images import make_cell, write_rgb


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory, real_cells):
    target = tmp_path_factory.mktemp("seed") / "seed.png"
    shutil.copy(real_cells["parasitized"][0], target)
    return target.read_bytes()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_cell_files_never_crash_or_lose_a_row(tmp_path, classifier, seed_file, data):
    raw = bytearray(seed_file)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    path = tmp_path / "fuzzed.png"
    path.write_bytes(bytes(raw[:cut]))
    (result,) = screen([path], classifier)
    assert result.ok or result.error
    if result.ok:
        assert 0.0 <= result.probability <= 1.0
        assert read_image(path).dtype == np.uint8


def test_a_grey_image_of_a_cell_is_an_error_row_not_uninfected(tmp_path, classifier,
                                                                real_cells):
    """Turned grey, real parasitized cells scored 0.04 and were reported uninfected, status
    ok: the model tells a parasite by the stain's colour."""
    colour = real_cells["parasitized"][:4]
    grey = []
    for i, path in enumerate(colour):
        cell = Image.open(path).convert("L")
        formats = [("png", cell), ("jpg", cell.convert("RGB")),
                   ("tif", cell.convert("I;16")), ("webp", cell.convert("RGB"))]
        suffix, image = formats[i]
        grey.append(tmp_path / f"grey {path.stem}.{suffix}")
        image.save(grey[-1])
    results = list(screen(colour + grey, classifier))
    assert [r.ok for r in results] == [True] * 4 + [False] * 4
    assert {r.error for r in results[4:]} == {
        "grey image: the model screens stained cells in colour, and this image has none"}


@pytest.mark.parametrize("big", [False, True], ids=["TIFF", "BigTIFF"])
def test_a_tiff_of_several_pages_is_an_error_row_not_its_first_page(tmp_path, classifier, big):
    """A stack of an uninfected cell then a parasitized one gave one row, 'uninfected', ok:
    OpenCV reads the first page alone."""
    healthy, infected = (Image.fromarray(make_cell(size=80, parasitized=p, seed=3))
                         for p in (False, True))
    stack, single = tmp_path / "stack.tif", tmp_path / "single.tif"
    healthy.save(stack, save_all=True, append_images=[infected], big_tiff=big)
    infected.save(single, big_tiff=big)  # thumbnails: tests/core/test_tiff.py
    results = list(screen([stack, single], classifier))
    assert [r.error for r in results] == [
        "a TIFF of 2 images (pages): save each as its own file to screen it", ""]


def write_gif(path: Path, *frames: Image.Image, **options) -> Path:
    frames[0].save(path, save_all=True, append_images=list(frames[1:]), **options)
    return path


def test_a_gif_of_several_frames_is_an_error_row_not_its_first_frame(tmp_path, classifier):
    """An animation of an uninfected cell then a parasitized one gave one row, 'uninfected',
    ok: OpenCV reads the first frame alone. A GIF of one frame still screens, with extensions
    (a comment, a delay, a loop count) before it."""
    healthy, infected = (Image.fromarray(make_cell(size=80, parasitized=p, seed=3))
                         for p in (False, True))
    paths = [write_gif(tmp_path / "animation.gif", healthy, infected),
             write_gif(tmp_path / "three.gif", healthy, infected, healthy.rotate(90),
                       comment=b"slide 4", duration=500, loop=0),
             write_gif(tmp_path / "single.gif", infected),
             write_gif(tmp_path / "commented.gif", infected, comment=b"slide 4", duration=500,
                       loop=0)]
    results = list(screen(paths, classifier))
    assert [r.error for r in results] == [
        "a GIF of 2 images (frames): save each as its own file to screen it",
        "a GIF of 3 images (frames): save each as its own file to screen it", "", ""]


def test_gifs_cut_short_or_made_to_take_seconds_to_walk_are_rows_and_the_batch_goes_on(
        tmp_path, classifier):
    """An animation cut short is refused by OpenCV (its blocks do not reach the trailer). One
    of two frames after a comment of 1.1 million 1-byte sub-blocks counts as one image (the
    walk stops at a million, tests/core/test_gif.py) and is left to OpenCV. The animation
    after them is still refused."""
    cells = [Image.fromarray(make_cell(size=80, parasitized=p, seed=3)) for p in (False, True)]
    whole = write_gif(tmp_path / "whole.gif", *cells).read_bytes()
    (tmp_path / "cut.gif").write_bytes(whole[:len(whole) * 3 // 4])  # in the second frame
    first = 13 + 3 * 2 ** ((whole[10] & 7) + 1)  # after the screen and global colour table
    stuffed = b"\x21\xfe" + b"\x01x" * 1_100_000 + b"\x00"
    (tmp_path / "stuffed.gif").write_bytes(whole[:first] + stuffed + whole[first:])
    paths = [tmp_path / "cut.gif", tmp_path / "stuffed.gif", tmp_path / "whole.gif"]
    results = list(screen(paths, classifier))
    assert [r.path for r in results] == paths
    assert results[0].error.startswith("not a readable image")
    assert results[2].error.startswith("a GIF of 2 images (frames)")


def test_a_few_stained_cells_on_neutral_glass_are_not_a_grey_image(tmp_path, classifier,
                                                                     real_cells):
    """Refused as grey while under 1 % of a field's pixels were coloured: six cells of 60 px
    on a white-balanced 1920 x 1080 frame."""
    glass = np.random.default_rng(0).normal(215, 0.6, (1080, 1920, 1))
    field = np.repeat(np.clip(glass, 0, 255).astype(np.uint8), 3, axis=2)  # neutral grey
    for i, path in enumerate(real_cells["parasitized"][:6]):
        cell = (np.asarray(Image.open(path).convert("RGB").resize((60, 60))) * 0.6)
        inside = cell.max(axis=2) > 10  # the cell, not its black surround
        spot = field[100:160, 200 + 250 * i:260 + 250 * i]
        spot[inside] = cell[inside].astype(np.uint8)
    (result, *_) = screen([write_rgb(tmp_path / "sparse field.png", field)], classifier)
    assert not result.error.startswith("grey image"), result.error


def test_an_image_too_small_to_show_a_cell_is_an_error_row(tmp_path, classifier):
    """A 2 x 2 px image of random colours was called uninfected, ok."""
    noise = np.random.default_rng(1).integers(0, 256, (2, 2, 3), np.uint8)
    tiny = write_rgb(tmp_path / "tiny.png", noise)
    smallest = write_rgb(tmp_path / "smallest.png", make_cell(size=16))
    results = list(screen([tiny, smallest], classifier))
    assert results[0].error == "too small: 2 x 2 px, and under 16 px a side no cell can be seen"
    assert results[1].ok
