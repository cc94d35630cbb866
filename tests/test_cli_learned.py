"""An adapted model's card lists the image files it learned from, and screening one of them
again marks its rows and says so: its calls are not an independent check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from malariascope.core.adapt.learned import (
    LEARNED,
    MAX_LEARNED_IMAGES,
    TooManyImagesError,
    learned_images,
    learned_list,
)
from malariascope.core.adapt.loading import ADAPTED, seal_of
from malariascope.core.adapt.run import adapt, open_source, write_model
from malariascope.core.errors import ModelError
from malariascope.core.modelcard import CARD_NAME, load_card
from malariascope.core.modelfiles import MAX_CARD_BYTES, sha256_of
from tests.command_line import cli
from tests.core.test_adapt_blend import hand_adapted
from tests.core.test_adapt_model import lab_cell, write_lab
from tests.images import write_rgb
from tests.reports import read_rows, read_summary


def adapted_lab(root: Path) -> tuple[Path, Path]:
    """A lab's cell folders in ``root`` and the model adapted on them (a real adaptation)."""
    cells = write_lab(root / "cells")
    return cells, write_model(adapt([open_source(cells)]), root / "lab").parent


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> tuple[Path, Path]:
    return adapted_lab(tmp_path_factory.mktemp("learned"))


def unseen_cell(folder: Path) -> Path:
    """A cell of the lab's kind that the model never learned from."""
    folder.mkdir(exist_ok=True)
    return write_rgb(folder / "unseen.png", lab_cell(True, 99_999))


def learned_column(report: Path) -> dict[str, str]:
    return {Path(row["image_path"]).name: row["learned_in_adaptation"]
            for row in read_rows(report)}


def test_the_card_lists_the_sha256_of_every_image_file_learned_from(lab):
    cells, model = lab
    card = load_card(model)
    images = sorted(sha256_of(path) for path in cells.rglob("*.png"))
    assert len(images) == 64 and card.adapted[LEARNED] == images
    assert learned_images(card) == frozenset(images)
    assert "- 64 image files learned from, each listed in the card by its sha256" in (
        model / "README.md").read_text(encoding="utf-8")


def test_classify_marks_the_learned_images_and_says_how_many(lab, tmp_path, capsys):
    """Screening the images it adapted on gave calls that looked independent: no column, no
    warning, though the model had seen those cells' labels."""
    cells, model = lab
    learned = sorted((cells / "parasitized" / "S0").glob("*.png"))[:3]
    unseen = unseen_cell(tmp_path / "new")
    report = tmp_path / "report.csv"
    result = cli(capsys, "classify", *learned, unseen, "--model", model, "--csv", report)
    assert result.code == 0, result.err
    assert learned_column(report) == {**{path.name: "true" for path in learned},
                                      "unseen.png": "false"}
    assert (f"malariascope: warning: 3 images were learned by model {model.name} in "
            "adaptation: their calls are not an independent check\n") in result.err


def test_the_summary_counts_the_learned_image_files_once_each(lab, tmp_path, capsys):
    """The summary gave no count of the images the model learned from: only the report's
    rows said so, one by one."""
    cells, model = lab
    learned = sorted((cells / "uninfected").rglob("*.png"))[:2]
    unseen = unseen_cell(tmp_path / "new")
    report = tmp_path / "report.csv"
    result = cli(capsys, "classify", *learned, unseen, "--model", model, "--csv", report)
    assert result.code == 0, result.err
    assert read_summary(tmp_path / "report_summary.csv")[0]["learned_in_adaptation_images"] == "2"


def test_classify_of_images_not_learned_says_nothing_of_learning(lab, tmp_path, capsys):
    _, model = lab
    report = tmp_path / "report.csv"
    result = cli(capsys, "classify", unseen_cell(tmp_path / "new"), "--model", model,
                 "--csv", report)
    assert result.code == 0, result.err
    assert learned_column(report) == {"unseen.png": "false"}
    assert "in adaptation" not in result.err


def test_a_card_without_the_list_knows_of_no_learned_image(lab, tmp_path, capsys):
    """A model adapted by an earlier MalariaScope lists nothing: nothing is said, and the
    column is empty rather than false."""
    cells, _ = lab
    model = hand_adapted(tmp_path / "earlier", fields=False)
    assert learned_images(load_card(model)) is None
    report = tmp_path / "report.csv"
    learned = next((cells / "uninfected").rglob("*.png"))
    result = cli(capsys, "classify", learned, "--model", model, "--csv", report)
    assert result.code == 0, result.err
    assert learned_column(report) == {learned.name: ""} and "in adaptation" not in result.err
    assert read_summary(tmp_path / "report_summary.csv")[0]["learned_in_adaptation_images"] == ""


def resealed(model: Path, folder: Path, listed: object) -> Path:
    """A copy of the adapted ``model`` with ``listed`` as its learned images, sealed again
    as a hand edit would be."""
    shutil.copytree(model, folder)
    data = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    data[ADAPTED][LEARNED] = listed
    data[ADAPTED]["seal"] = seal_of(data)
    (folder / CARD_NAME).write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


@pytest.mark.parametrize("listed", [
    ["not a digest"], ["A" * 64], ["ab" * 32, "ab" * 32], "ab" * 32, [64],
    [f"{i:064x}" for i in range(MAX_LEARNED_IMAGES + 1)],
], ids=["not-hex", "upper-case", "twice", "not-a-list", "a-number", "too-many"])
def test_a_learned_list_edited_and_sealed_again_is_refused(lab, tmp_path, listed):
    folder = resealed(lab[1], tmp_path / "edited", listed)
    with pytest.raises(ModelError) as refused:
        load_card(folder)
    assert f"{ADAPTED}.{LEARNED} must be a list of at most {MAX_LEARNED_IMAGES:,} distinct" in (
        str(refused.value))


def test_a_card_listing_the_most_images_fits_its_size_and_loads(lab, tmp_path):
    most = [f"{i:064x}" for i in range(MAX_LEARNED_IMAGES)]
    folder = resealed(lab[1], tmp_path / "most", most)
    assert (folder / CARD_NAME).stat().st_size < MAX_CARD_BYTES
    assert learned_images(load_card(folder)) == frozenset(most)
    with pytest.raises(TooManyImagesError, match="at most 12,288: adapt on fewer"):
        learned_list([*most, "f" * 64], load_card())
