"""Fixtures of the core tests shared by more than one module: a generated field, the model,
a copy of the bundled model folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from malariascope.core.modelfiles import bundled_dir
from tests.images import make_field


@pytest.fixture(scope="module")
def field() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    return make_field()


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


@pytest.fixture
def models(tmp_path) -> Path:
    """A copy of the bundled model folder."""
    folder = tmp_path / "models"
    shutil.copytree(bundled_dir(), folder)
    return folder
