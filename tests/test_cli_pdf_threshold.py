"""``classify --pdf --threshold``: the PDF's limits say the calls were made at a threshold
other than the model card's, as the window's PDF does; at the card's own, they say nothing."""

from __future__ import annotations

import shutil

import pytest

from malariascope.core.modelcard import load_card
from malariascope.core.words import threshold_words
from tests.command_line import cli
from tests.reports import read_pdf


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
@pytest.mark.parametrize("threshold", [0.3, 0.1, None])
def test_the_pdf_says_a_threshold_moved_from_the_models(tmp_path, capsys, real_cells,
                                                        threshold):
    folder = tmp_path / "cells"
    folder.mkdir()
    for path in real_cells["parasitized"][:4] + real_cells["uninfected"][:4]:
        shutil.copy(path, folder / path.name)
    pdf = tmp_path / "slide.pdf"
    moved = [] if threshold is None else ["--threshold", str(threshold)]
    run = cli(capsys, "classify", folder, "--csv", tmp_path / "r.csv", "--pdf", pdf, *moved)
    assert run.code == 0, run.err
    _, text, _ = read_pdf(pdf)
    card = load_card().threshold
    if threshold is None:
        assert "is not the model's" not in text
        return
    higher, fewer = ("higher", "fewer") if threshold > card else ("lower", "more")
    assert (f"The threshold {threshold_words(threshold)} is not the model's "
            f"{threshold_words(card)}: a {higher} "
            f"threshold calls {fewer} cells parasitized and flags {fewer} for review.") in text
