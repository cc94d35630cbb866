"""The size rules that correct the watershed (``core.fields.shapes``), on drawn regions with
known answers, through ``find_cells`` on a generated field, and on one real field (skipped when
../shared/data is absent)."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from malariascope.core.fields import FieldParams, find_cells
from malariascope.core.fields.annotations import load_annotations
from malariascope.core.fields.regions import label
from malariascope.core.fields.scoring import match_boxes
from malariascope.core.fields.shapes import (
    cut_oversized,
    elongation,
    join_enlarged,
    neighbours,
    return_arms,
    solidity,
)
from malariascope.core.fields.split import split_twins
from malariascope.core.imageio import read_image
from tests.conftest import SHARED_DATA
from tests.images import GLASS, RADIUS, draw_cell

R = 16  # cell radius in px, as the splitting sees it
CELL_AREA = math.pi * R**2


def discs(*centres: tuple[int, int], radius: int = R, shape=(120, 220)) -> list[np.ndarray]:
    """One boolean mask per disc."""
    masks = []
    for centre in centres:
        mask = np.zeros(shape, np.uint8)
        cv2.circle(mask, centre, radius, 1, -1)
        masks.append(mask > 0)
    return masks


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def test_shape_measures():
    disc, = discs((60, 60))
    pair = np.logical_or(*discs((60, 60), (92, 60)))  # two discs side by side
    assert solidity(disc) > 0.98 and elongation(disc) == pytest.approx(1.0, abs=0.03)
    assert solidity(pair) < 0.9 and elongation(pair) == pytest.approx(2.2, abs=0.1)
    labels = np.zeros((20, 20), np.int32)
    labels[:, :5], labels[:, 5:10], labels[:, 15:] = 1, 3, 2
    assert neighbours(labels) == {(1, 3)}


def test_a_region_too_big_for_one_cell_is_cut_at_its_necks():
    """Three large cells pressed together in a row, one region of 4.5 cells: cut at its two
    necks, each piece is one of the cells."""
    cells = discs((60, 60), (94, 60), (128, 60), radius=R + 4)
    labels = np.logical_or.reduce(cells).astype(np.int32)
    assert labels.sum() > FieldParams().max_area * CELL_AREA
    cut = cut_oversized(labels, CELL_AREA, FieldParams())
    pieces = [cut == i for i in np.unique(cut) if i]
    assert len(pieces) == 3
    for cell in cells:
        assert max(iou(cell, piece) for piece in pieces) > 0.8


def test_a_region_the_size_of_one_cell_is_left_whole():
    labels = np.logical_or(*discs((60, 60), (84, 60))).astype(np.int32)  # 1.5 cells, a neck
    assert np.array_equal(cut_oversized(labels, CELL_AREA, FieldParams()), labels)


def test_a_region_holding_two_cell_centres_is_split_between_them_and_a_large_cell_is_not():
    """Two cells merged along a broad front (centres 1.5 radii apart, no neck to cut) made one
    region, matching neither cell; a round cell of twice a cell's area stays whole."""
    left, right = discs((80, 60), (80 + int(1.5 * R), 60))
    (large,) = discs((170, 60), radius=int(math.sqrt(2) * R))
    labels = np.select([left | right, large], [1, 2]).astype(np.int32)
    split = split_twins(labels, CELL_AREA, FieldParams())
    assert np.array_equal(split == 2, large)
    parts = [split == index for index in np.unique(split[left | right])]
    assert len(parts) == 2
    assert sorted(iou(part, cell) > 0.75 for part in parts for cell in (left, right)) == [
        False, False, True, True]


def test_the_pieces_of_an_enlarged_round_cell_are_joined():
    """An infected cell twice a healthy one's area, cut in three along its stippling."""
    big, = discs((100, 60), radius=round(R * math.sqrt(2.1)))
    rows, cols = np.indices(big.shape)
    labels = np.where(big, 1 + (cols > 100) + (rows > 60) * (cols > 100), 0).astype(np.int32)
    assert len(np.unique(labels)) == 4
    joined = join_enlarged(labels, CELL_AREA, FieldParams())
    assert len(np.unique(joined)) == 2 and np.array_equal(joined > 0, big)


def test_overlapping_healthy_cells_are_not_joined():
    """Two healthy cells overlapping by a radius make a convex union, but an elongated one;
    two large ones side by side make a pinched one."""
    for centres, radius in [(((60, 60), (76, 60)), R), (((60, 60), (110, 60)), R + 6)]:
        first, second = discs(*centres, radius=radius)
        labels = np.where(first, 1, np.where(second, 2, 0)).astype(np.int32)
        assert np.array_equal(join_enlarged(labels, CELL_AREA, FieldParams()), labels)


def test_an_arm_of_a_concave_region_goes_back_to_the_cell_it_lies_on():
    """A strip along the top of the right cell was given to the left one; a cell is convex, so
    the strip goes back, and a lone cell's shape is left alone."""
    left, right, lone = discs((50, 60), (100, 60), (180, 60))
    strip = np.zeros_like(left)
    strip[40:46, 55:110] = True
    labels = np.select([left | strip, right, lone], [1, 2, 3]).astype(np.int32)
    assert solidity(labels == 1) < FieldParams().convex
    given = return_arms(labels, CELL_AREA, FieldParams())
    assert iou(given == 1, left) > 0.99 and iou(given == 2, right | strip) > 0.99
    assert np.array_equal(given == 3, lone)


def test_an_arm_touching_a_neighbour_on_one_pixel_stays_with_its_region():
    """An arm lying over glass was handed to a cell that its tip touched on a single pixel."""
    left, right = discs((60, 60), (147, 60))
    strip = np.zeros_like(left)
    strip[57:64, 70:131] = True  # its tip meets the right cell's leftmost pixel only
    labels = np.select([left | strip, right], [1, 2]).astype(np.int32)
    assert solidity(labels == 1) < FieldParams().convex
    assert np.array_equal(return_arms(labels, CELL_AREA, FieldParams()), labels)


def test_arms_handed_on_in_one_pass_leave_every_region_in_one_piece():
    """The top cell's arm lay on the middle cell's arm, which lay on the right cell: moved in
    one pass, each arm was cut off from the region it went to, leaving two regions in pieces."""
    top, middle, right = discs((60, 50), (110, 90), (160, 90), shape=(160, 260))
    top_arm, middle_arm = np.zeros_like(top), np.zeros_like(top)
    top_arm[62:68, 70:176] = True
    middle_arm[68:75, 110:176] = True
    labels = np.select([top | top_arm, middle | middle_arm, right], [1, 2, 3]).astype(np.int32)
    given = return_arms(labels, CELL_AREA, FieldParams())
    assert [label(given == index)[1] for index in (1, 2, 3)] == [1, 1, 1]
    assert np.array_equal(given > 0, labels > 0)


def test_two_lobes_joined_by_a_neck_both_stay_whole_alone_or_beside_a_neighbour():
    """Only the largest piece of the opening counted as the body, so a smaller lobe was taken
    for an arm: deleted when alone, handed to a neighbour touching it."""
    small = int(0.8 * R)
    second = 50 + R + small + 6  # the small lobe's centre, 6 px of neck between the lobes
    (big_lobe,), (small_lobe,) = discs((50, 60)), discs((second, 60), radius=small)
    neck = np.zeros_like(big_lobe)
    neck[58:62, 50:second] = True
    region = big_lobe | small_lobe | neck
    neighbour = discs((second + small + R, 60))[0] & ~region
    beside = np.select([region, neighbour], [1, 2]).astype(np.int32)
    for labels in (region.astype(np.int32), beside):
        assert solidity(labels == 1) < FieldParams().convex
        given = return_arms(labels, CELL_AREA, FieldParams())
        assert np.array_equal(given == 1, region)


def test_an_enlarged_stippled_cell_pressed_against_a_healthy_one_is_found():
    """The two made one region without a neck, too big for a cell, and both were dropped."""
    image = np.full((500, 700, 3), GLASS, np.uint8)
    rng = np.random.default_rng(3)
    big, centre = 44, (300, 250)
    cv2.circle(image, centre, big, (150, 110, 160), -1, cv2.LINE_AA)
    cv2.circle(image, centre, big - 5, (175, 140, 180), -1, cv2.LINE_AA)
    for _ in range(6):  # stippling strands
        angle, offset = rng.uniform(0, math.pi), rng.uniform(-big / 2, big / 2)
        along = np.array([math.cos(angle), math.sin(angle)])
        middle = np.array(centre) + offset * np.array([-along[1], along[0]])
        ends = [tuple(int(v) for v in middle + s * 0.8 * big * along) for s in (-1, 1)]
        cv2.line(image, ends[0], ends[1], (120, 70, 120), 2, cv2.LINE_AA)
    healthy = (centre[0] + big + RADIUS - 30, centre[1])  # pressed 30 px into it
    draw_cell(image, healthy, RADIUS)
    for x in range(80, 700, 130):  # lone cells give the field its cell size
        for y in (80, 420):
            draw_cell(image, (x, y), RADIUS)
    image = cv2.GaussianBlur(image, (0, 0), 1.2)
    wanted = [(centre[0] - big, centre[1] - big, 2 * big + 1, 2 * big + 1),
              (healthy[0] - RADIUS, healthy[1] - RADIUS, 2 * RADIUS + 1, 2 * RADIUS + 1)]
    found = [cell.box for cell in find_cells(image)]
    assert len(found) == 12
    assert sorted(j for _, j in match_boxes(found, wanted)) == [0, 1]


def _real_field(name: str):
    fields = SHARED_DATA / "fields"
    if not (fields / "annotations.json").is_file():
        pytest.skip(f"real fields not found at {fields} (../shared/data beside the project)")
    return load_annotations(fields / "annotations.json")[name], read_image(fields / name)


def test_a_real_gametocyte_cut_by_its_stippling_is_found_whole():
    """PA171832's gametocyte, twice a healthy cell's area, came out in three pieces."""
    cells, image = _real_field("PA171832.JPG")
    gametocyte = [c.box for c in cells if c.kind == "gametocyte"]
    found = [cell.box for cell in find_cells(image)]
    assert len(gametocyte) == 1 and len(match_boxes(found, gametocyte)) == 1


@pytest.mark.parametrize("name, kind", [("PA172018.JPG", "gametocyte"),
                                        ("PA171706.JPG", "trophozoite")])
def test_a_real_stippled_cell_among_touching_cells_is_not_shared_out(name, kind):
    """Crowded stippling read as membrane lines left these cells without a marker of their
    own: their pixels went to the touching cells around them and no found cell matched."""
    cells, image = _real_field(name)
    infected = [c.box for c in cells if c.kind == kind]
    found = [cell.box for cell in find_cells(image)]
    assert len(match_boxes(found, infected)) == len(infected)


def test_a_real_cell_is_found_without_the_arm_it_took_from_its_neighbour():
    """PA171919: an elongated cell's region wrapped round the cell beside it in a thin
    crescent, which stretched its box until it matched no annotated cell."""
    cells, image = _real_field("PA171919.JPG")
    wanted = [c.box for c in cells if tuple(c.box) == (930, 471, 79, 102)]
    found = [cell.box for cell in find_cells(image)]
    assert len(wanted) == 1 and len(match_boxes(found, wanted)) == 1


def test_a_real_ring_cell_cut_along_its_parasite_is_found_as_one_cell():
    """PA171693: the ring's lines cut its cell into two concave halves, listed as two cells."""
    cells, image = _real_field("PA171693.JPG")
    (x, y, w, h), = [c.box for c in cells if c.kind == "ring"]
    centres = [(bx + bw / 2, by + bh / 2) for bx, by, bw, bh in
               (cell.box for cell in find_cells(image))]
    assert sum(x <= cx <= x + w and y <= cy <= y + h for cx, cy in centres) == 1
