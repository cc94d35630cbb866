"""Exporting a trained model: the files in the folder always stay a set that matches its card."""

from __future__ import annotations

import pytest

pytest.importorskip("tensorflow", reason="training needs the [train] extra")

from malariascope.core.errors import ExportError  # noqa: E402
from malariascope.core.modelcard import load_card  # noqa: E402
from malariascope.training import export  # noqa: E402
from malariascope.training.model import build_model  # noqa: E402
from tests.images import make_cell  # noqa: E402

FACTS = {"threshold": 0.5, "temperature": 1.0}


@pytest.mark.parametrize("failure", [ExportError("disagrees"), KeyboardInterrupt()])
def test_a_failed_export_leaves_the_earlier_model_whole(tmp_path, monkeypatch, failure):
    """A check that fails, or a Ctrl-C, after the new files are written: the old code had
    already put the new .keras and .onnx in place beside the old card, which then refused
    them ('changed or damaged; reinstall')."""
    import numpy as np

    model = build_model(16)
    cells = np.stack([make_cell(size=16, seed=i) for i in range(4)]).astype(np.float32)
    export.export_model(model, tmp_path, FACTS, cells)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def fail(*args):
        raise failure

    monkeypatch.setattr(export, "_check_reloads", fail)
    with pytest.raises(type(failure)):
        export.export_model(build_model(16), tmp_path, FACTS, cells)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
    card = load_card(tmp_path)
    for fmt in ("keras", "onnx"):
        card.model_file(fmt)  # hash checked


def test_an_unwritable_folder_is_one_error(tmp_path):
    import numpy as np

    (tmp_path / "file").write_text("x")
    cells = np.zeros((2, 16, 16, 3), np.float32)
    with pytest.raises(ExportError, match="cannot write the model to"):
        export.export_model(build_model(16), tmp_path / "file" / "models", FACTS, cells)
