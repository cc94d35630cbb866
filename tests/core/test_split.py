"""The NIH cells as people have them: the published layout split by slide."""

from __future__ import annotations

import pytest

from malariascope.core.errors import DatasetError
from malariascope.core.split import open_split, slide_overlap
from tests.images import make_cell, write_rgb
from tests.layouts import write_published, write_split_by_cell


def test_the_published_layout_is_split_by_slide_the_same_way_for_a_seed(tmp_path):
    write_published(tmp_path / "cell_images" / "cell_images")  # nested, as common mirrors are
    split = open_split(tmp_path / "cell_images", test_per_class=12, seed=1)
    assert split.classes_in == tmp_path / "cell_images" / "cell_images"
    assert not set(split.train.slides) & set(split.test.slides)
    assert slide_overlap(split.train, split.test).shared == 0
    assert len(split.train) + len(split.test) == 90
    for count in split.test.counts().values():
        assert 8 <= count <= 16  # about 12: whole slides of 3 to 5 cells of a class
    again = open_split(tmp_path / "cell_images", test_per_class=12, seed=1)
    other = open_split(tmp_path / "cell_images", test_per_class=12, seed=2)
    assert again.test.paths == split.test.paths and again.train.paths == split.train.paths
    assert set(other.test.slides) != set(split.test.slides)
    assert split.facts() == {"test_slides": len(set(split.test.slides)),
                             "test_slides_shared_with_train": 0, "test_per_class": 12}


def test_cells_without_a_slide_id_are_each_their_own_group(tmp_path):
    for name, parasitized in (("PARASITIZED", True), ("uninfected", False)):
        (tmp_path / name).mkdir()
        for index in range(30):
            write_rgb(tmp_path / name / f"{name[0]}{index}.png",
                      make_cell(size=40, parasitized=parasitized, seed=index))
    split = open_split(tmp_path, test_per_class=7, seed=1)
    assert split.test.counts() == {"uninfected": 7, "parasitized": 7}
    assert split.overlap.test_slides == 0


@pytest.mark.parametrize("layout, words", [
    ("empty", "no 'train' and 'test' folders, nor 'parasitized' and 'uninfected' ones"),
    ("both", "holds both train and test and class folders"),
    ("two mirrors", "each hold class folders: give one of them"),
    ("a test size for train/ and test/", "--test-per-class sizes the split of the published"),
    ("a test size too large", "a test part of 30 cells per class would leave too few"),
])
def test_a_folder_that_cannot_be_split_is_refused(tmp_path, layout, words):
    if layout == "both":
        write_split_by_cell(tmp_path)
        write_published(tmp_path, infected=2, healthy=0)
    elif layout == "two mirrors":
        write_published(tmp_path / "one", infected=2, healthy=0)
        write_published(tmp_path / "two", infected=2, healthy=0)
    elif layout == "a test size for train/ and test/":
        write_split_by_cell(tmp_path)
    elif layout == "a test size too large":
        write_published(tmp_path)
    with pytest.raises(DatasetError, match=words):
        open_split(tmp_path, test_per_class=None if layout == "both" else 30)
