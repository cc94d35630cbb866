"""Lab adaptation end to end: generated lab cells in, a model folder out that screens."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.adapt.loading import seal_of
from malariascope.core.adapt.repeats import Repeats
from malariascope.core.adapt.run import adapt, open_source, write_model
from malariascope.core.adapt.sources import ClassFolders
from malariascope.core.calibration import THRESHOLD_RULE
from malariascope.core.classifier import Classifier
from malariascope.core.errors import AdaptationError, ModelError, ModelExistsError
from malariascope.core.facts import BatchFacts
from malariascope.core.imageio import read_image
from malariascope.core.logodds import uncertain_band
from malariascope.core.modelcard import CARD_NAME, load_card
from malariascope.core.modelfiles import bundled_dir, sha256_of
from malariascope.core.pipeline import screen
from malariascope.core.report import report_row, write_report
from tests.core.test_adapt_blend import hand_adapted
from tests.images import make_cell, write_rgb
from tests.reports import read_rows

SLIDES, PER_CLASS = 4, 8


def lab_cell(parasitized: bool, seed: int) -> np.ndarray:
    """A generated cell in a grey-violet stain, which the bundled model calls parasitized
    far too often (as it does the second lab's real cells)."""
    cell = make_cell(size=70, parasitized=parasitized, seed=seed).astype(float)
    inside = cell.max(axis=2) > 0
    cell[inside] *= np.array([0.75, 0.7, 0.95])
    return cell.astype(np.uint8)


def write_lab(root: Path, seed: int = 0) -> Path:
    """``root/{parasitized,uninfected}/S<n>/*.png``: four slides of a lab's reviewed cells."""
    for slide in range(SLIDES):
        for label, name in enumerate(("uninfected", "parasitized")):
            folder = root / name / f"S{slide}"
            folder.mkdir(parents=True)
            for i in range(PER_CLASS):
                write_rgb(folder / f"{i}.png",
                          lab_cell(bool(label), seed + 1000 * slide + 100 * label + i))
    return root


@pytest.fixture(scope="module")
def adapted(tmp_path_factory):
    """A model adapted to generated lab cells and written beside nothing but the bundle."""
    root = tmp_path_factory.mktemp("adapt")
    adaptation = adapt([open_source(write_lab(root / "cells"))])
    return write_model(adaptation, root / "lab-model").parent, adaptation


def test_adapting_moves_the_head_and_records_figures_in_the_card(adapted):
    folder, adaptation = adapted
    card, base = load_card(folder), load_card()
    assert card.head_weights != base.head_weights
    assert card.blend is None and card.standardize_fields  # single cells: fields standardized
    facts = card.adapted
    assert facts["cells"] == {"parasitized": SLIDES * PER_CLASS, "uninfected": SLIDES * PER_CLASS}
    assert facts["groups"] == SLIDES
    assert facts["base_model"]["onnx_sha256"] == base.sha256("onnx")
    assert facts["base_model"]["card_sha256"] == sha256_of(bundled_dir() / CARD_NAME)
    before, after = facts["held_out"]["before"], facts["held_out"]["after"]
    assert after["specificity"] > before["specificity"] + 0.3  # the stain no longer misleads
    assert after["balanced_accuracy"] > before["balanced_accuracy"]
    again = ClassFolders(folder.parent / "cells")
    list(again.chunks(64, Repeats()))  # the digest is of what was read, so it is repeatable
    assert facts["sources"][0]["sha256"] == again.record.sha256
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Held out" in readme
    assert facts["threshold_rule"] == THRESHOLD_RULE and THRESHOLD_RULE in readme


def test_the_same_cells_turned_and_mirrored_adapt_to_the_same_head(adapted, tmp_path):
    """A cell on a slide has no up or down: the head is fitted on every cell's eight views
    (quarter turns, mirrored or not), so which way a lab's cells lie does not move it."""
    cells = adapted[0].parent / "cells"
    for i, path in enumerate(sorted(cells.rglob("*.png"))):
        image = read_image(path)
        turned = np.rot90(image[:, ::-1] if i % 2 else image, i % 4)
        target = tmp_path / path.relative_to(cells)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_rgb(target, np.ascontiguousarray(turned))
    upright, turned = adapted[1].calibration, adapt([open_source(tmp_path)]).calibration
    assert upright.strength == turned.strength
    np.testing.assert_allclose(turned.head.weights, upright.head.weights, atol=1e-6)
    assert turned.head.bias == pytest.approx(upright.head.bias, abs=1e-6)


def test_the_adapted_folder_screens_on_the_base_file_without_copying_it(adapted):
    folder, _ = adapted
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", CARD_NAME]
    classifier = Classifier.open(folder)
    assert "adapted" in classifier.model_name
    assert classifier.card.model_file("onnx").samefile(bundled_dir() /
                                                       "malariascope-cnn.onnx")
    healthy = sorted((folder.parent / "cells" / "uninfected").rglob("*.png"))
    adapted_calls = [r.probability >= classifier.rule.threshold
                     for r in screen(healthy, classifier)]
    base = Classifier.open()
    base_calls = [r.probability >= base.rule.threshold for r in screen(healthy, base)]
    assert sum(adapted_calls) < sum(base_calls)


def test_an_adapted_model_is_recorded_by_its_card_not_the_network_it_shares(adapted,
                                                                            tmp_path):
    """An adapted model recorded its base's ONNX sha256: the bundled model and every
    adaptation of it wrote the same model_sha256, told apart in records by name only."""
    folder, adaptation = adapted
    classifier, base = Classifier.open(folder), Classifier.open()
    assert classifier.identity[1] == sha256_of(folder / CARD_NAME)
    assert base.identity[1] == base.card.sha256("onnx")  # the bundled model's is unchanged
    facts = BatchFacts.of(classifier, sample_id="S-LAB")
    report = tmp_path / "report.csv"
    healthy = sorted((folder.parent / "cells" / "uninfected").rglob("*.png"))[:3]
    write_report(report, (report_row(r, facts) for r in screen(healthy, classifier)), facts)
    assert {row["model_sha256"] for row in read_rows(report)} == {sha256_of(folder / CARD_NAME)}
    other = write_model(adapt([open_source(write_lab(tmp_path / "cells", seed=7))]),
                        tmp_path / "other-lab").parent
    assert len({base.identity[1], classifier.identity[1],
                Classifier.open(other).identity[1]}) == 3


def test_a_case_an_adapted_model_called_by_its_network_hash_is_still_its_own(adapted):
    """Cases an adapted model called while records named it by its network's sha256 were
    refused more images by it, and lost its card's threshold as their default."""
    folder, _ = adapted
    classifier, base = Classifier.open(folder), Classifier.open()
    network = classifier.card.sha256("onnx")
    facts = dataclasses.replace(BatchFacts.of(classifier), model_sha256=network,
                                default_threshold=None)
    assert facts.other_model(classifier) == ""
    assert facts.with_card(classifier.identities, classifier.rule).default_threshold == (
        classifier.rule.threshold)
    loaded = facts.for_model(*classifier.identity, classifier.rule, True, classifier.identities)
    assert loaded.default_threshold == classifier.rule.threshold  # loaded after the restore
    assert facts.other_model(base)  # the bundled model runs that network under its own name
    assert base.identities == (base.identity,)


@pytest.mark.parametrize("edit", [
    lambda card: card.update(threshold=card["threshold"] * 0.9),
    lambda card: card["head"]["weights"].__setitem__(0, 1.0),
    lambda card: card["adapted"]["cells"].update(parasitized=1000),
])
def test_an_adapted_card_edited_after_adaptation_is_refused(adapted, tmp_path, edit):
    folder, _ = adapted
    copy = shutil.copytree(folder, tmp_path / "lab-model")
    card = json.loads((copy / CARD_NAME).read_text(encoding="utf-8"))
    edit(card)
    (copy / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="changed after adaptation"):
        Classifier.open(copy)


@pytest.mark.parametrize("limit", ["x", 5, -0.5, [0.2]])
def test_a_resealed_card_with_a_wrong_uncertain_limit_is_refused_on_loading(adapted, tmp_path,
                                                                            limit):
    """The seal is no secret: a card edited and sealed again is checked as any card is, not
    taken and then crashed on (a traceback) when a batch's unlikeness is measured."""
    folder, _ = adapted
    copy = shutil.copytree(folder, tmp_path / "lab-model")
    card = json.loads((copy / CARD_NAME).read_text(encoding="utf-8"))
    card["adapted"]["uncertain_limit"] = limit
    card["adapted"]["seal"] = seal_of(card)
    (copy / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="is invalid: adapted.uncertain_limit must be"):
        Classifier.open(copy)


def test_every_adapted_card_written_has_the_band_its_threshold_gives(adapted, tmp_path):
    """The cards adapting writes, on single cells and blending fields, load with that band."""
    for folder in (adapted[0], hand_adapted(tmp_path / "blended")):
        card = load_card(folder)
        assert card.uncertain_band == pytest.approx(uncertain_band(card.threshold), abs=1e-12)


def test_an_existing_model_is_kept_and_the_base_folder_never_written(adapted, tmp_path):
    folder, adaptation = adapted
    before = (folder / CARD_NAME).read_bytes()
    with pytest.raises(ModelExistsError, match="already holds"):
        write_model(adaptation, folder)
    assert (folder / CARD_NAME).read_bytes() == before
    base_copy = shutil.copytree(bundled_dir(), tmp_path / "base")
    own = dataclasses.replace(adaptation, base=Classifier.open(base_copy))
    card = (base_copy / CARD_NAME).read_bytes()
    with pytest.raises(AdaptationError, match="never over it"):
        write_model(own, base_copy, overwrite=True)
    assert (base_copy / CARD_NAME).read_bytes() == card


def test_an_adapted_model_is_never_written_among_the_cells_it_was_adapted_on(adapted):
    """write_model checked its folder against the base model only: a model written into the
    class folders it was adapted on (or a folder in them) went in among the lab's cells."""
    folder, adaptation = adapted
    cells = folder.parent / "cells"
    before = sorted(cells.rglob("*"))
    for out, where in ((cells, "the source folder"), (cells / "uninfected" / "lab",
                                                      "inside the source folder")):
        with pytest.raises(AdaptationError) as refused:
            write_model(adaptation, out)
        assert str(refused.value) == (f"{out} is {where} {cells.resolve()}; an adapted model "
                                      "is written beside the lab's cells, never among them")
    assert sorted(cells.rglob("*")) == before


def other_base(folder: Path) -> Path:
    """A base model folder whose ONNX file differs in bytes from the bundled one (a trailing
    protobuf field ONNX Runtime ignores), so only this folder can supply it."""
    shutil.copytree(bundled_dir(), folder)
    onnx = folder / "malariascope-cnn.onnx"
    onnx.write_bytes(onnx.read_bytes() + bytes([0xF8, 0x07, 0x01]))
    card = json.loads((folder / CARD_NAME).read_text(encoding="utf-8"))
    card["files"]["onnx"]["sha256"] = sha256_of(onnx)
    (folder / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    return folder


def test_the_base_file_is_found_beside_the_adapted_folder_and_nowhere_else(adapted, tmp_path):
    _, adaptation = adapted
    own = dataclasses.replace(adaptation, base=Classifier.open(other_base(tmp_path / "base")))
    with pytest.raises(AdaptationError, match="would not find its base model"):
        write_model(own, tmp_path / "elsewhere" / "deeper" / "lab")
    beside = write_model(own, tmp_path / "lab").parent
    assert Classifier.open(beside).card.model_file("onnx").parent == tmp_path / "base"
    assert not (tmp_path / "elsewhere").exists()  # the refused write left nothing behind
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    moved = shutil.move(beside, tmp_path / "elsewhere" / "deeper")
    with pytest.raises(ModelError, match="keep the adapted folder beside its base"):
        Classifier.open(moved)
