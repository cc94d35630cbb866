"""Fixtures of the core tests shared by more than one module: a generated field, the model."""

from __future__ import annotations

import numpy as np
import pytest

from malariascope.core.classifier import Classifier
from tests.images import make_field


@pytest.fixture(scope="module")
def field() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    return make_field()


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()
