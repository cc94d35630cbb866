"""Which cells a training run fits and validates on: slides kept whole on one side, drawn
by the split seed the card records, and cells a label review contradicts left out."""

from __future__ import annotations

import csv

import numpy as np
import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

from malariascope.core.dataset import labelled_images  # noqa: E402
from malariascope.core.errors import DatasetError  # noqa: E402
from malariascope.core.modelcard import load_card  # noqa: E402
from malariascope.training.data import VALIDATION_FRACTION, split_by_slide  # noqa: E402
from malariascope.training.review import LabelReview  # noqa: E402
from malariascope.training.train import TrainConfig, train  # noqa: E402
from tests.training.test_train import make_dataset


def test_validation_split_is_by_slide(tmp_path):
    images = labelled_images(make_dataset(tmp_path, 24, 2) / "train")
    fit, val = split_by_slide(images, 0.25, seed=0)
    slides = np.asarray(images.slides)
    assert len(val) > 0 and not set(slides[fit]) & set(slides[val])
    assert len(fit) + len(val) == len(images)



def _validation_slides(manifest) -> set[str]:
    with manifest.open(encoding="utf-8") as rows:
        return {row["slide"] for row in csv.DictReader(rows) if row["part"] == "validation"}


def test_split_seed_draws_the_validation_slides_and_the_card_records_it(tmp_path):
    """Runs of several seeds measured on the same patients: only the split seed moves them;
    the card keeps both seeds and the trimmed share, so the run can be repeated."""
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=2)
    images = labelled_images(root / "train")
    slides = np.asarray(images.slides)
    expected = {seed: set(slides[split_by_slide(images, VALIDATION_FRACTION, seed)[1]])
                for seed in (3, 4)}
    assert expected[3] != expected[4]
    card = train(TrainConfig(root, tmp_path / "model", epochs=1, seed=4, split_seed=3,
                             trim=0.05, input_size=32, batch_size=16), log=lambda line: None)
    assert (card.recipe.seed, card.recipe.split_seed, card.recipe.trim) == (4, 3, 0.05)
    assert load_card(tmp_path / "model").recipe == card.recipe
    assert _validation_slides(tmp_path / "model" / "split.csv") == expected[3]


def _write_review(path, rows):
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(("image", "class", "seen"))
        writer.writerows(rows)
    return path


def test_cells_a_label_review_contradicts_are_left_out_of_fitting_and_validation(tmp_path):
    """Two reviewed cells, one on a validation slide, are neither fitted nor measured; the
    manifest files them as reviewed out and the card counts them. The healthy cells of the
    same names, and a cell of another data set, are no matter."""
    root = make_dataset(tmp_path / "cells", per_class_train=24, per_class_test=2)
    images = labelled_images(root / "train")
    _, val = split_by_slide(images, VALIDATION_FRACTION, 1)
    fit_cell = next(p for i, p in enumerate(images.paths) if i not in set(val)
                    and images.labels[i] == 1)
    val_cell = images.paths[next(i for i in val if images.labels[i] == 1)]
    review = _write_review(tmp_path / "review.csv", [
        (fit_cell.name, "parasitized", "no body"), (val_cell.name, "parasitized", "no body"),
        ("not-in-this-set.png", "uninfected", "a ring")])
    card = train(TrainConfig(root, tmp_path / "model", epochs=1, seed=1, input_size=32,
                             batch_size=16, label_review=review), log=lambda line: None)
    with (tmp_path / "model" / "split.csv").open(encoding="utf-8") as rows:
        parts = {(row["class"], row["path"].rsplit("/", 1)[1]): row["part"]
                 for row in csv.DictReader(rows)}
    assert parts["parasitized", fit_cell.name] == parts["parasitized", val_cell.name]
    assert parts["parasitized", val_cell.name] == "reviewed out"
    assert list(parts.values()).count("reviewed out") == 2
    assert card.recipe.reviewed_out == 2
    assert card.validation_metrics.n == len(val) - 1
    assert load_card(tmp_path / "model").recipe.reviewed_out == 2


@pytest.mark.parametrize("text, words", [
    ("image,class\nC1_cell_1.png,parasitized\n", "needs the columns image, class, seen"),
    ("image,class,seen\n", "needs the columns image, class, seen and at least one row"),
    ("image,class,seen\nC1_cell_1.png,infected,no body\n", "line 2: an image name, a class"),
    ("image,class,seen\nC1_cell_1.png,parasitized,\n", "line 2: an image name, a class"),
])
def test_a_label_review_that_says_too_little_is_refused_in_one_line(tmp_path, text, words):
    (tmp_path / "review.csv").write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=words):
        LabelReview.read(tmp_path / "review.csv")
