"""Scoring found cells against annotated boxes: one-to-one matching, cells that count neither
way, reviewed parasitemia, the stage summary, and annotation files that are refused."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from malariascope.core.classifier import CallRule, uncertain_band
from malariascope.core.fields import FieldParams
from malariascope.core.fields.annotations import AnnotatedCell, AnnotationError, load_annotations
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
from tests.images import FIELD_CELLS


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
