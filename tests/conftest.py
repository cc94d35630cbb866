"""Shared fixtures: real cells from ../shared/data (skipped when absent) and generated cells."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any test imports Qt

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CELL_TEST = SHARED_DATA / "cell_images" / "test"


@pytest.fixture(scope="session")
def cell_test_dir() -> Path:
    """The NIH test split (2,600 real cells), or a skip saying why."""
    if not (CELL_TEST / "parasitized").is_dir():
        pytest.skip(
            f"real cell images not found at {CELL_TEST} (../shared/data beside the project)"
        )
    return CELL_TEST


@pytest.fixture(scope="session")
def real_cells(cell_test_dir: Path) -> dict[str, list[Path]]:
    """Twelve real cells of each class, always the same ones."""
    return {
        label: sorted((cell_test_dir / label).glob("*.png"))[::100][:12]
        for label in ("parasitized", "uninfected")
    }
