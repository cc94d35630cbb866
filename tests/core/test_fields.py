"""Whole-field cell finding, masked crops, and the evaluate-fields scoring.

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
from malariascope.core.classifier import CallRule, Classifier, uncertain_band
from malariascope.core.fields import FieldParams, crop_box, find_cells, is_field, segment_field
from malariascope.core.fields.annotations import (
    AnnotatedCell,
    AnnotationError,
    load_annotations,
)
from malariascope.core.fields.scoring import (
    FieldScore,
    box_iou,
    cut_by_border,
    false_touching,
    match_boxes,
    score_field,
    score_fields,
)
from malariascope.core.fields.summary import StageCounts, summarize
from malariascope.core.imageio import read_image
from tests.conftest import SHARED_DATA
from tests.images import FIELD_CELLS

FIELDS = SHARED_DATA / "fields"
ANNOTATIONS = FIELDS / "annotations.json"
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


@pytest.fixture(scope="module")
def field() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    return make_field()


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


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


def test_box_matching_is_one_to_one_at_iou_half():
    truth = [(0, 0, 10, 10), (100, 100, 10, 10)]
    found = [(1, 1, 10, 10), (0, 0, 11, 11), (200, 200, 5, 5)]
    assert box_iou(found, truth).shape == (3, 2)
    assert match_boxes(found, truth) == [(1, 0)]  # the better of two, never both
    assert match_boxes([], truth) == []
    assert cut_by_border((0, 50, 10, 10), (100, 100), 2)
    assert not cut_by_border((3, 3, 94, 94), (100, 100), 2)


def test_difficult_and_border_boxes_count_neither_way(field, classifier):
    image, boxes = field
    cells = [AnnotatedCell(b, "red blood cell") for b in boxes[2:]]  # 2 cells unannotated
    cells[0] = AnnotatedCell(boxes[2], "difficult")  # found, but neither hit nor false
    cells[1] = AnnotatedCell(boxes[3], "ring")
    cells.append(AnnotatedCell((400, 400, 3, 20), "red blood cell"))  # no cell so thin: a miss
    cells.append(AnnotatedCell((-30, 300, 50, 60), "red blood cell"))  # cut by the border
    cells.append(AnnotatedCell((600, 500, 60, 60), "difficult"))  # missed difficult: no miss
    score = score_field("generated", image, cells, classifier, FieldParams(), classifier.rule)
    assert score.found == FIELD_CELLS
    assert (score.matched, score.missed, score.false) == (35, 1, 2)
    assert score.annotated == 36
    assert score.annotated_parasitemia == pytest.approx(100 / 36)
    assert score.labels.tolist() == [1] + [0] * 36  # difficult ones are not screened
    assert score.probabilities.shape == (37,)
    summary = summarize([score], classifier.rule)
    assert summary.recall == pytest.approx(35 / 36)
    assert summary.precision == pytest.approx(35 / 37)
    assert summary.recall_parasitized == 1.0
    assert score.perfect_parasitemia == pytest.approx(100 / FIELD_CELLS)  # 1 ring among them


def test_precision_among_annotated_cells_counts_only_false_cells_touching_a_box(field,
                                                                             classifier):
    """Readers leave some cells unboxed: a found cell overlapping no annotated box may be one
    of them, so the second precision leaves it out; one overlapping a box it does not match is
    a real false cell (a fragment, a merge, a misplaced outline)."""
    image, boxes = field
    x, y, w, h = boxes[0]
    cells = [AnnotatedCell(b, "red blood cell") for b in boxes[2:]]  # boxes[1] left unboxed
    cells.append(AnnotatedCell((x + w // 2, y, w, h), "red blood cell"))  # IoU 1/3 with boxes[0]
    score = score_field("g", image, cells, classifier, FieldParams(), classifier.rule)
    matched = FIELD_CELLS - 2
    assert (score.found, score.matched, score.false, score.false_touching) == (
        FIELD_CELLS, matched, 2, 1)
    summary = summarize([score], classifier.rule, model="m")
    assert summary.precision == pytest.approx(matched / (matched + 2))
    assert summary.precision_annotated == pytest.approx(matched / (matched + 1))
    figures = summary.to_dict()
    assert figures["precision_annotated"] == summary.precision_annotated
    assert figures["per_field"][0]["false_touching"] == 1
    assert f"precision among annotated cells {matched / (matched + 1):.4f}" in summary.format()


def test_false_touching_counts_unpaired_boxes_by_their_best_overlap():
    truth = [(0, 0, 10, 10), (100, 100, 10, 10)]
    found = [(0, 0, 10, 10), (102, 100, 10, 10), (300, 300, 10, 10), (108, 100, 10, 10)]
    pairs = match_boxes(found, truth)
    assert pairs == [(0, 0), (1, 1)]
    assert false_touching(found, truth, pairs) == 1  # (108, 100): IoU 1/9; (300, 300): none
    assert false_touching(found, truth, pairs, touch_iou=0.2) == 0
    assert false_touching(found, [], []) == 0 and false_touching([], truth, []) == 0


def test_reviewed_parasitemia_takes_the_annotated_type_of_uncertain_cells(field, classifier):
    image, boxes = field
    rings = [AnnotatedCell(b, "ring") for b in boxes]
    wide_band = CallRule(1e-6, uncertain_band(1e-6), field_threshold=1 - 1e-6)
    score = score_field("g", image, rings, classifier, FieldParams(), wide_band)
    called = round(score.found * score.predicted_parasitemia / 100)
    assert score.found == score.matched == FIELD_CELLS
    assert 0 < called < FIELD_CELLS
    assert score.uncertain == FIELD_CELLS - called  # each cell certain or uncertain
    assert score.reviewed_parasitemia == pytest.approx(100.0)  # the uncertain ones were rings
    assert score.annotated_parasitemia == score.perfect_parasitemia == 100.0
    nothing_uncertain = CallRule(0.5, (0.5, 0.5), field_threshold=0.5)
    score = score_field("g", image, rings, classifier, FieldParams(), nothing_uncertain)
    assert score.uncertain == 0
    assert score.reviewed_parasitemia == score.predicted_parasitemia
    summary = summarize([score], nothing_uncertain)
    assert summary.uncertain_per_field == 0.0
    assert summary.parasitemia_mae_reviewed == summary.parasitemia_mae


def test_summary_counts_each_stage_flagged_and_called():
    """Flagged at the screening threshold, called at the field threshold; healthy cells and
    stages nobody annotated are not listed."""
    rule = CallRule(0.2, uncertain_band(0.2), field_threshold=0.9)
    scores = [FieldScore("a", kinds=("ring", "ring", "red blood cell"),
                         probabilities=np.array([0.1, 0.5, 0.95])),
              FieldScore("b", kinds=("gametocyte", "ring"), probabilities=np.array([0.95, 0.92]))]
    assert summarize(scores, rule).by_stage == {
        "gametocyte": StageCounts(cells=1, flagged=1, called=1),
        "ring": StageCounts(cells=3, flagged=2, called=1),
    }


def test_summary_is_json_ready_when_one_class_is_absent(field, classifier):
    image, boxes = field
    cells = [AnnotatedCell(b, "red blood cell") for b in boxes]
    summary = summarize([score_field("g", image, cells, classifier, FieldParams(),
                                     classifier.rule)], classifier.rule.with_threshold(0.5))
    summary = summary.to_dict()
    assert summary["auc"] is None
    assert summary["recall_parasitized"] is None  # no parasitized cell to find: n/a, not 0
    json.dumps(summary, allow_nan=False)


def test_summary_without_a_screened_cell_has_no_screening_figures(classifier):
    """Fields annotated with difficult cells only (or none): cell finding is still scored, the
    screening figures are n/a, not a traceback; so are recalls of nothing annotated."""
    score = FieldScore("a", found=3, false=3)
    summary = summarize([score], classifier.rule, model="m")
    figures = summary.to_dict()
    assert figures["cells"] == 0 and figures["sensitivity"] is None and figures["auc"] is None
    json.dumps(figures, allow_nan=False)
    assert figures["recall"] is None and figures["recall_parasitized"] is None  # none annotated
    assert figures["precision"] == 0.0  # 3 found, none of them annotated
    assert "balanced accuracy n/a" in summary.format()


def test_bad_annotations_say_where(tmp_path):
    path = tmp_path / "a.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(AnnotationError, match="not valid JSON"):
        load_annotations(path)
    entry = {"image_name": "f.jpg", "objects": [
        {"type": "red blood cell", "bbox": {"x": "1", "y": "2", "w": "30", "h": "40"}},
        {"type": "platelet", "bbox": {"x": "1", "y": "2", "w": "3", "h": "4"}}]}
    path.write_text(json.dumps([entry]), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"f\.jpg.*object 1.*platelet"):
        load_annotations(path)
    entry["objects"].pop()
    path.write_text(json.dumps([entry]), encoding="utf-8")
    assert load_annotations(path) == {"f.jpg": [AnnotatedCell((1, 2, 30, 40), "red blood cell")]}
    with pytest.raises(AnnotationError, match="cannot read"):
        load_annotations(tmp_path / "missing.json")


def test_annotations_saved_with_a_bom_are_read(tmp_path):
    path = tmp_path / "a.json"
    entry = {"image_name": "f.jpg", "objects": []}
    path.write_text(json.dumps([entry]), encoding="utf-8-sig")  # as Windows Notepad saves
    assert load_annotations(path) == {"f.jpg": []}


def test_an_image_annotated_twice_is_refused(tmp_path):
    path = tmp_path / "a.json"
    cell = {"type": "ring", "bbox": {"x": "1", "y": "2", "w": "30", "h": "40"}}
    entries = [{"image_name": "f.jpg", "objects": [cell]}, {"image_name": "g.jpg", "objects": []},
               {"image_name": "f.jpg", "objects": []}]
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"field 2: f\.jpg is annotated twice"):
        load_annotations(path)


def test_infinite_coordinates_are_refused_with_the_place(tmp_path):
    path = tmp_path / "a.json"
    entry = {"image_name": "f.jpg", "objects": [
        {"type": "ring", "bbox": {"x": "inf", "y": "2", "w": "30", "h": "40"}}]}
    path.write_text(json.dumps([entry]), encoding="utf-8")
    with pytest.raises(AnnotationError, match=r"f\.jpg.*object 0.*numeric"):
        load_annotations(path)


def test_a_box_outside_its_image_fails_that_field_only(field, classifier, tmp_path):
    """Annotations of another image (a box past the edge) make that field an error with the
    reason, as an unreadable image does; the next field is still scored."""
    image, boxes = field
    path = tmp_path / "g.png"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    good = [AnnotatedCell(b, "red blood cell") for b in boxes]
    stray = [*good, AnnotatedCell((900, 700, 50, 50), "ring")]
    bad, fine = score_fields([(path, stray), (path, good)], classifier)
    assert "(900, 700, 50, 50) lies outside the 800x600 image" in bad.error
    assert not fine.error and fine.found == FIELD_CELLS
    assert summarize([bad, fine], classifier.rule).to_dict()["unreadable"] == [
        {"image": "g.png", "error": bad.error}]


#: A sparse field whose readers boxed every whole cell (checked by eye).
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
