"""Every reason the pipeline gives a file without a call is of the kind it is, and the counts
of a batch keep the kinds apart."""

from __future__ import annotations

import numpy as np
from PIL import Image

from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.report import report_row, verdict
from malariascope.core.tally import Tally
from malariascope.core.withoutcall import (
    NO_CELL_FOUND,
    REFUSED,
    UNREADABLE,
    WithoutCall,
    kind_of,
    kinds_words,
)
from tests.images import make_cell, write_broken_files, write_glass, write_rgb


def test_each_reason_without_a_call_is_told_by_its_kind(tmp_path, classifier, real_cells):
    """Blank, grey, strip, too small and TIFF-of-pages images are read and refused; a field
    of glass has no cell found; the broken files are unreadable."""
    kinds = {name: UNREADABLE for name in write_broken_files(tmp_path)}
    cell = np.asarray(Image.open(real_cells["uninfected"][0]).convert("RGB"))
    refused = {
        "blank.png": np.full((80, 80, 3), 200, np.uint8),
        "grey.png": np.dstack([cell[..., 1]] * 3),
        "strip.png": make_cell(size=80)[:8],
        "small.png": make_cell(size=12),
    }
    for name, image in refused.items():
        write_rgb(tmp_path / name, image)
    pages = [Image.fromarray(make_cell(seed=seed)) for seed in (1, 2)]
    pages[0].save(tmp_path / "pages.tif", save_all=True, append_images=pages[1:])
    kinds |= dict.fromkeys([*refused, "pages.tif"], REFUSED)
    kinds["glass.png"] = NO_CELL_FOUND
    write_glass(tmp_path / "glass.png")
    results = list(screen(sorted(tmp_path.iterdir()), classifier))
    assert {result.path.name: kind_of(result.error) for result in results} == kinds

    facts, tally = BatchFacts.of(classifier), Tally()
    for result in results:
        tally.add(verdict(report_row(result, facts)))
    assert tally.batch.without_call == WithoutCall(unreadable=4, refused=5, no_cell_found=1)
    assert tally.batch.errors == 10


def test_the_kinds_are_told_only_when_they_add_up_to_the_count():
    kinds = WithoutCall(unreadable=2, refused=1, no_cell_found=2)
    assert kinds_words(5, kinds) == (
        "2 unreadable, 1 refused as no stained cell image, 2 whole fields with no cell found"
    )
    assert kinds_words(4, kinds) == kinds_words(5, None) == ""
    assert kind_of("") == ""
