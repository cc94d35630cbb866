"""The register's records name a figure alike wherever it is written: ``cases list --json``
beside the CSV export, the report's summary beside the register's export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.parasitemia import CaseResult, rounded_density
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from tests.command_line import cli
from tests.core.test_register import counts_of
from tests.reports import read_rows, read_summary

RBC_PER_UL = 4_812_345.0  # gives parasites per µL with decimals, unrounded


@pytest.fixture
def data_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    return folder


def signed_case_of_cells_and_a_broken_file(folder: Path, real_cells: dict[str, list[Path]],
                                            tmp_path: Path) -> CaseResult:
    """A signed case of 12 real cells (3 of them parasitized cells) and an unreadable file,
    its red cells per µL giving parasites per µL with decimals; its result."""
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    paths = [*real_cells["parasitized"][:3], *real_cells["uninfected"][:9], broken]
    classifier = Classifier.open()
    results = list(screen(paths, classifier))
    case = Case(CaseFacts(sample_id="S-7", rbc_per_ul=RBC_PER_UL))
    case.sign("Ann Lee", counts_of(results, classifier))
    with Register(folder) as register:
        register.save(case, case.signed.result, cells=results)
    return case.signed.result


def test_cases_list_json_names_its_rows_rows_not_cells(data_folder, real_cells, tmp_path,
                                                       capsys):
    """``cases list --json`` gave a case of 12 cells and an unreadable file "cells": 13 (its
    rows) beside the result's "cells_counted": 12, which the table lists as its cells."""
    signed_case_of_cells_and_a_broken_file(data_folder, real_cells, tmp_path)
    (listed,) = json.loads(cli(capsys, "cases", "list", "--json").out)
    assert "cells" not in listed
    assert (listed["rows"], listed["result"]["cells_counted"]) == (13, 12)
    heading, line = cli(capsys, "cases", "list").out.splitlines()
    assert line[heading.index("cells"):].split()[0] == "12"  # the table's cells: counted


def test_cases_list_json_rounds_parasites_per_ul_as_the_export_does(data_folder, real_cells,
                                                                    tmp_path, capsys):
    """``cases list --json`` gave parasites per µL unrounded (1203086.25) where the CSV
    export, the PDF and the window give them to 3 significant figures (1200000)."""
    result = signed_case_of_cells_and_a_broken_file(data_folder, real_cells, tmp_path)
    assert result.parasites_per_ul != rounded_density(result.parasites_per_ul)
    (listed,) = json.loads(cli(capsys, "cases", "list", "--json").out)
    density = listed["result"]["parasites_per_ul"]
    assert density == rounded_density(result.parasites_per_ul)
    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).code == 0
    (row,) = read_rows(out)
    assert row["parasites_per_ul"] == str(density)


def test_created_at_is_a_case_opened_and_the_summary_names_its_own_time_apart(
        data_folder, real_cells, tmp_path, capsys):
    """The report's summary wrote its own time as ``created_at``, the name the register's
    export gives the time a case was opened: one name, two meanings."""
    report = tmp_path / "slide.csv"
    done = cli(capsys, "classify", *real_cells["uninfected"][:2], "--csv", report)
    assert done.code == 0, done.err
    summary, _ = read_summary(tmp_path / "slide_summary.csv")
    assert "created_at" not in summary and summary["written_at"].endswith("+00:00")

    opened = "2026-03-04T09:00:00+00:00"
    with Register(data_folder) as register:
        register.save(Case(CaseFacts(sample_id="S-8"), created_at=opened))
    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).code == 0
    (row,) = read_rows(out)
    assert row["created_at"] == opened and "written_at" not in row


def test_cases_list_gives_a_case_of_no_cell_counted_0_cells_as_its_json_and_export(
        data_folder, tmp_path, capsys):
    """A signed case whose only file was unreadable had no cells in ``cases list``'s table,
    as if not known, where its ``--json``, the CSV export and the window's register list
    gave 0 cells counted."""
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    classifier = Classifier.open()
    results = list(screen([broken], classifier))
    case = Case(CaseFacts(sample_id="S-9"))
    case.sign("Ann Lee", counts_of(results, classifier))
    with Register(data_folder) as register:
        register.save(case, case.signed.result, cells=results)
    (listed,) = json.loads(cli(capsys, "cases", "list", "--json").out)
    assert listed["result"]["cells_counted"] == 0
    out = tmp_path / "lis.csv"
    assert cli(capsys, "cases", "export", out).code == 0
    assert read_rows(out)[0]["cells_counted"] == "0"
    heading, line = cli(capsys, "cases", "list").out.splitlines()
    assert line[heading.index("cells"):].split()[0] == "0"
