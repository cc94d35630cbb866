"""The folder the Adapt to this lab form suggests for the new model."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from malariascope.core.errors import AdaptationError, ModelExistsError
from malariascope.gui import model_menu
from tests.core.test_adapt_model import write_lab


class _Noon(datetime):
    @classmethod
    def now(cls, tz=None) -> datetime:
        return datetime(2026, 12, 6, 12, 0)


def test_a_second_adaptation_in_the_same_minute_is_offered_a_free_folder(window, monkeypatch,
                                                                           tmp_path):
    """The suggestion is named by the minute: a second adaptation within it was offered the
    first's folder and refused once the form was sent ("already holds model-card.json,
    README.md; choose another folder or allow replacing them"), which the window cannot."""
    monkeypatch.setattr(model_menu, "datetime", _Noon)
    first = model_menu.adapted_models_dir() / "lab-20261206-1200"
    shutil.copytree(tmp_path, first)  # made by the first adaptation, holding its model
    (first / "model-card.json").write_text("{}")
    dialog = window.models.ask_adapt()
    assert dialog.model_folder() == first.with_name("lab-20261206-1200-2")
    dialog.reject()


def test_the_form_refuses_a_folder_holding_a_model_without_offering_to_replace_it(tmp_path):
    """The form cannot replace a model, yet its refusal ended "choose another folder or allow
    replacing them"."""
    out = tmp_path / "lab"
    out.mkdir()
    (out / "model-card.json").write_text("{}")
    with pytest.raises(ModelExistsError) as refused:
        model_menu.adapt_and_write([tmp_path / "cells"], [], None, out, None, lambda *_: None)
    assert str(refused.value) == f"{out} already holds model-card.json; choose another folder"


def test_the_form_refuses_a_folder_inside_its_cells_before_any_work(tmp_path):
    """The form passed no sources to the folder check: a model folder chosen inside the
    lab's cells was written among them once every cell was read and the folds measured."""
    cells = write_lab(tmp_path / "cells")
    out = cells / "lab"
    steps = []
    with pytest.raises(AdaptationError) as refused:
        model_menu.adapt_and_write([cells], [], None, out, None, lambda *step: steps.append(step))
    assert str(refused.value) == (f"{out} is inside the source folder {cells}; an adapted "
                                  "model is written beside the lab's cells, never among them")
    assert steps == [] and not out.exists()


def test_the_form_will_not_adapt_into_a_blank_model_folder(window, qtbot, tmp_path,
                                                           monkeypatch):
    """A blank "New model folder" was the working folder: Adapt wrote model-card.json and
    README.md wherever the app was started, and said "The adapted model is in .\""""
    monkeypatch.chdir(tmp_path)
    cells = write_lab(tmp_path / "cells")
    dialog = window.models.ask_adapt([cells])
    dialog.out_dir.setText(" ")
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and window.models._worker is None
    dialog.out_dir.setText(str(tmp_path / "lab"))
    assert dialog.ok_button.isEnabled()
    dialog.reject()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]
