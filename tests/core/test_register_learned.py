"""The register keeps, with each cell, whether the adapted model that screened it learned from
its image: a case reopened marks those cells as screening did; a cell stored before the
register kept it reads as not known."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from malariascope.core.adapt.learned import LearnedMarks
from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.register import FILE_NAME, Register
from malariascope.core.register.schema import schema_version
from tests.registered import export_case
from tests.reports import read_rows
from tests.test_cli_learned import adapted_lab, unseen_cell


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> tuple[Path, Path]:
    return adapted_lab(tmp_path_factory.mktemp("learned"))


def screened(lab: tuple[Path, Path], folder: Path) -> tuple[Case, list[ScreeningResult]]:
    """Two cells the adapted model learned from and one it never saw, screened by it and
    marked; the case of them."""
    cells, model = lab
    classifier = Classifier.open(str(model))
    paths = [*sorted((cells / "parasitized" / "S0").glob("*.png"))[:2], unseen_cell(folder)]
    results = list(screen(paths, classifier))
    LearnedMarks(classifier.card).mark(results)
    case = Case(CaseFacts(sample_id="S-9"), classifier.model_name,
                classifier.backend.model_sha256, classifier.rule)
    return case, results


def test_a_reopened_case_keeps_which_cells_the_model_learned(lab, tmp_path):
    """The register stored no learned flag: a case reopened showed every cell as not known,
    and its CSV exported again left ``learned_in_adaptation`` empty where screening had
    written true or false."""
    case, results = screened(lab, tmp_path / "new")
    assert [result.learned for result in results] == [True, True, False]
    with Register(tmp_path / "data") as register:
        register.save(case, cells=results, first_row=0)
    with Register(tmp_path / "data", view=True) as register:
        stored = register.load(case.uid)
    assert [cell.learned for cell in stored.cells] == [True, True, False]
    report = export_case(tmp_path / "data", case, tmp_path / "again.csv")
    assert [row["learned_in_adaptation"] for row in read_rows(report)] == [
        "true", "true", "false"]


def test_a_cell_stored_before_the_register_kept_the_flag_reads_as_not_known(lab, tmp_path):
    case, results = screened(lab, tmp_path / "new")
    with Register(tmp_path / "data") as register:
        register.save(case, cells=results, first_row=0)
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / FILE_NAME)) as db, db:
        db.execute("ALTER TABLE cells DROP COLUMN learned")
        db.execute(f"PRAGMA user_version = {schema_version() - 1}")
    with Register(tmp_path / "data") as register:  # brought up to date as it opens
        stored = register.load(case.uid)
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
    assert version == schema_version()
    assert [cell.learned for cell in stored.cells] == [None, None, None]
    report = export_case(tmp_path / "data", case, tmp_path / "again.csv")
    assert [row["learned_in_adaptation"] for row in read_rows(report)] == ["", "", ""]
