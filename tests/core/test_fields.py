"""Whole-field cell finding, masked crops, and the evaluate-fields command.

Generated fields have known answers (drawn discs on a pale background); one real IML-Malaria
field from ../shared/data checks the count on real smears, skipped when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from malariascope.cli import evaluate_fields
from malariascope.cli._common import EXIT_SOME_FAILED
from malariascope.core.fields import FieldParams, crop_box, find_cells, is_field, segment_field
from malariascope.core.fields.annotations import load_annotations
from malariascope.core.fields.scoring import cut_by_border, match_boxes
from malariascope.core.imageio import read_image
from tests.conftest import SHARED_DATA
from tests.images import FIELD_CELLS, GLASS, RADIUS, draw_cell

FIELDS = SHARED_DATA / "fields"
ANNOTATIONS = FIELDS / "annotations.json"


@pytest.fixture(scope="module")
def real_fields() -> Path:
    if not ANNOTATIONS.is_file():
        pytest.skip(f"real fields not found at {FIELDS} (../shared/data beside the project)")
    return FIELDS


def test_is_field_by_size():
    assert is_field((960, 1280, 3))
    assert is_field((300, 500))
    assert not is_field((130, 130, 3))
    assert not is_field((390, 390, 3))
    assert not is_field((600, 600, 3), cell_px=250)
    assert not is_field((10_000, 1, 3)) and not is_field((100, 4000))  # strips hold no cell


def test_counts_whole_cells_splits_pairs_drops_border_and_debris(field):
    image, boxes = field
    cells = find_cells(image)
    assert len(cells) == len(boxes) == FIELD_CELLS
    pairs = match_boxes([c.box for c in cells], boxes, min_iou=0.7)
    assert len(pairs) == FIELD_CELLS, "every drawn cell is found with a tight box"


def test_crops_are_the_cell_masked_on_black(field):
    image, _ = field
    for cell in find_cells(image):
        h, w = cell.crop.shape[:2]
        assert cell.crop.dtype == np.uint8 and (h, w) == cell.box[3:1:-1] == cell.mask.shape
        assert not cell.crop[~cell.mask].any(), "outside the cell is pure black"
        assert cell.crop[cell.mask].min(axis=1).mean() > 60, "inside is the stained cell"
        for corner in (cell.crop[0, 0], cell.crop[0, -1], cell.crop[-1, 0], cell.crop[-1, -1]):
            assert not corner.any()
        assert 0.6 < cell.mask.mean() < 0.85  # a disc fills pi/4 of its box


def test_parasite_dots_neither_split_nor_drop_a_cell():
    image = np.full((500, 700, 3), GLASS, np.uint8)
    for i, x in enumerate(range(90, 700, 130)):
        for j, y in enumerate(range(80, 430, 115)):
            draw_cell(image, (x, y), RADIUS, dots=4 * ((i + j) % 2), rng=np.random.default_rng(i))
    image = cv2.GaussianBlur(image, (0, 0), 1.2)
    assert len(find_cells(image)) == 5 * 4


def test_glass_ringed_by_touching_cells_is_no_cell():
    """Five touching cells close a pocket of glass that the pallor filling fills; the pocket
    is about a cell's size, so only its bare glass tells it from a cell."""
    image = np.full((400, 500, 3), GLASS, np.uint8)
    ring = RADIUS / math.sin(math.pi / 5)  # neighbours on the ring just touch
    for k in range(5):
        angle = 2 * math.pi * k / 5
        draw_cell(image, (250 + int(ring * math.cos(angle)), 200 + int(ring * math.sin(angle))),
                  RADIUS)
    for corner in [(60, 60), (440, 60), (60, 340), (440, 340)]:
        draw_cell(image, corner, RADIUS)
    image = cv2.GaussianBlur(image, (0, 0), 1.2)
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in (c.box for c in find_cells(image))]
    assert len(centres) == 9
    assert min(math.dist(c, (250, 200)) for c in centres) > RADIUS, "no cell at the pocket"
    assert len(find_cells(image, FieldParams(gap=1.0))) == 10, "the pocket, unless filtered"


def test_empty_glass_has_no_cells():
    assert find_cells(np.full((480, 640, 3), GLASS, np.uint8)) == []


def test_a_caption_strip_or_a_field_stop_leaves_the_cells_inside_found(field):
    """Black beyond the picture (a camera's caption strip with white text, the dark ring
    around a circular field stop) is neither cells nor glass: the whole cells within the
    picture are found as without it, and those it cuts are dropped as at the image's edge."""
    image, boxes = field
    strip = image.copy()
    strip[-70:] = 0
    cv2.putText(strip, "40x  10 um", (20, 590), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
    above = [b for b in boxes if b[1] + b[3] < 600 - 70]
    found = [c.box for c in find_cells(strip)]
    assert len(found) == len(above) and len(match_boxes(found, above, min_iou=0.7)) == len(above)
    stop = np.zeros(image.shape[:2], np.uint8)
    cv2.circle(stop, (400, 300), 320, 1, -1)
    ring = image * stop[..., None]
    inside = [b for b in boxes if math.dist((b[0] + b[2] / 2, b[1] + b[3] / 2), (400, 300))
              + b[2] / 2 < 310]
    found = [c.box for c in find_cells(ring)]
    assert len(match_boxes(found, inside, min_iou=0.7)) == len(inside)
    assert all(math.dist((x + w / 2, y + h / 2), (400, 300)) + max(w, h) / 2 < 320
               for x, y, w, h in found), "no cell cut by the field stop"


def test_a_field_seen_through_a_round_field_stop_is_a_field_and_a_cut_out_cell_is_not(field):
    """A smartphone at the eyepiece sees a lit disc in a black ring: that black border made
    such a field read as one cell cut out on black, with a single call."""
    from malariascope.core.fields.cells import looks_like_field
    from tests.images import make_cell

    image, _ = field
    stop = np.zeros(image.shape[:2], np.uint8)
    cv2.circle(stop, (400, 300), 300, 1, -1)
    assert looks_like_field(image) and looks_like_field(image * stop[..., None])
    on_black = np.zeros((960, 1280, 3), np.uint8)
    on_black[400:790, 500:890] = make_cell(size=390)
    assert not looks_like_field(on_black)


def test_cell_radius_can_be_given(field):
    image, _ = field
    seg = segment_field(image, FieldParams(cell_radius=27.0))
    assert seg.radius == 27.0
    assert len(find_cells(image, FieldParams(cell_radius=27.0), seg)) == FIELD_CELLS


def test_non_rgb_input_is_refused():
    with pytest.raises(ValueError, match="uint8 RGB"):
        find_cells(np.zeros((480, 640), np.uint8))


def test_crop_box_masks_an_annotated_box_and_clips_to_the_image(field):
    image, boxes = field
    x, y, w, h = boxes[0]
    loose = (x - 6, y - 6, w + 12, h + 12)  # readers draw boxes loosely
    crop = crop_box(image, loose)
    assert crop.shape[:2] == (h + 12, w + 12)
    assert not crop[:4, :4].any() and not crop[-4:, -4:].any()
    centre = crop[crop.shape[0] // 2 - 10:crop.shape[0] // 2 + 10, 5:-5]
    assert (centre.max(axis=2) > 0).mean() > 0.95
    assert crop_box(image, (-20, -20, 60, 60)).shape[:2] == (40, 40)
    with pytest.raises(ValueError, match="outside"):
        crop_box(image, (900, 700, 50, 50))


REAL_FIELD = "PA171693.JPG"


def test_real_field_count_within_five_percent(real_fields):
    """Found cells vs annotated cells not cut by the border (every type, difficult included),
    a box being cut when it reaches within ``margin_px`` of the edge, as for found cells."""
    image = read_image(real_fields / REAL_FIELD)
    annotated = load_annotations(real_fields / "annotations.json")[REAL_FIELD]
    margin = FieldParams().margin_px
    whole = [c for c in annotated if not cut_by_border(c.box, image.shape, margin)]
    found = find_cells(image)
    assert math.isclose(len(found), len(whole), rel_tol=0.05), (len(found), len(whole))
    assert len(match_boxes([c.box for c in found], [c.box for c in whole])) >= 0.95 * len(whole)


@pytest.mark.parametrize("zoom", [0.5, 4.0])
def test_real_field_at_another_magnification_gives_the_same_cells(real_fields, zoom):
    """A camera with more (or fewer) pixels per cell: the field resized as a camera would
    deliver it (bilinear, JPEG) is segmented into the same cells, boxes scaled alike."""
    image = read_image(real_fields / REAL_FIELD)
    resized = cv2.resize(image, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR)
    _, encoded = cv2.imencode(".jpg", cv2.cvtColor(resized, cv2.COLOR_RGB2BGR))
    resized = cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    expected = [c.box for c in find_cells(image)]
    found = [tuple(round(v / zoom) for v in c.box) for c in find_cells(resized)]
    assert math.isclose(len(found), len(expected), rel_tol=0.05), (len(found), len(expected))
    assert len(match_boxes(found, expected, min_iou=0.7)) >= 0.95 * len(expected)


def test_evaluate_fields_writes_every_figure(real_fields, tmp_path, capsys):
    entries = json.loads((real_fields / "annotations.json").read_text(encoding="utf-8"))
    chosen = [e for e in entries if e["image_name"] in {REAL_FIELD, "PA171809.JPG"}]
    chosen.append({"image_name": "absent.jpg", "objects": []})
    annotations = tmp_path / "two.json"
    annotations.write_text(json.dumps(chosen), encoding="utf-8")
    parser = argparse.ArgumentParser()
    evaluate_fields.add_arguments(parser)
    out = tmp_path / "figures.json"
    args = parser.parse_args([str(real_fields), "--annotations", str(annotations),
                              "--json", str(out)])
    assert evaluate_fields.run(args) == EXIT_SOME_FAILED  # absent.jpg
    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in ("recall", "precision", "precision_annotated", "balanced_accuracy", "sensitivity",
                "specificity", "auc", "parasitemia_mae", "parasitemia_mae_reviewed",
                "parasitemia_mae_perfect_calls", "fields", "cells", "by_stage"):
        assert key in figures
    assert figures["fields"] == 2 and figures["absent"] == ["absent.jpg"]
    assert figures["cells"] == sum(len(e["objects"]) for e in chosen)
    assert 0.9 <= figures["recall"] <= 1.0
    assert "absent.jpg" in capsys.readouterr().err
