"""What an adaptation in the window left out of the lab's real fields, and why."""

from __future__ import annotations

import pytest

from tests.gui.helpers import MODEL_TIMEOUT_MS, wait_for_box
from tests.test_cli_adapt import FIELDS, misfit_fields


@pytest.mark.skipif(not FIELDS.is_dir(), reason=f"shared fields not found at {FIELDS}")
def test_fields_left_out_for_their_annotations_are_named_in_the_refusal(window, qtbot,
                                                                        tmp_path):
    """Every field was left out for its annotations and the window said only "0 uninfected
    cells labelled": nothing of the fields, nor why (the command line warned)."""
    fields = misfit_fields(tmp_path / "fields")
    window.models.adapt([fields], None, tmp_path / "lab-model")
    box = wait_for_box(qtbot, window, "Adaptation refused", timeout=MODEL_TIMEOUT_MS)
    assert "0 uninfected cells labelled" in box.text()
    assert (f"{fields.resolve()}: 3 images or cells skipped (the first: PA171693.JPG: "
            "annotated box ") in box.text()
    assert "are these its annotations?" in box.text()
    assert not (tmp_path / "lab-model").exists()
    box.close()
