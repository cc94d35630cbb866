"""``malariascope adapt --case``: a lab's signed cases of the register, adapted on without a
report exported, and what is refused of them."""

from __future__ import annotations

import json

from malariascope.core.datadir import DATA_DIR_ENV
from malariascope.core.modelcard import CARD_NAME
from tests.command_line import cli
from tests.conftest import SHARED_DATA
from tests.core.test_adapt_model import write_lab
from tests.images import make_cell, write_rgb
from tests.registered import export_case, register_lab

FIELDS = SHARED_DATA / "fields"


def test_signed_cases_of_the_register_adapt_without_a_report_exported(tmp_path, capsys,
                                                                      monkeypatch):
    """Reviewed cases kept in the register could feed an adaptation only once each was
    exported as a report CSV. The figures, measured on the reviewed cells alone, read as a
    model's on every cell of a smear: a review that took only the flagged or uncertain
    cells gave figures of those, unsaid."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cases = register_lab(tmp_path / "data", write_lab(tmp_path / "cells"))
    uids = [arg for case in cases for arg in ("--case", case.uid[:8])]
    result = cli(capsys, "adapt", *uids, "--out", tmp_path / "lab")
    assert result.code == 0, result.err
    assert "Ranking of cells (AUC)" in result.out
    said = ("held out. Cells from reviewed reports and cases are only those a reviewer "
            "called: where the review took the flagged or uncertain cells, the figures are of "
            "those cells, not of every cell of a smear.")
    assert said in " ".join(result.out.split())
    readme = (tmp_path / "lab" / "README.md").read_text(encoding="utf-8")
    assert said in " ".join(readme.split())
    sources = json.loads((tmp_path / "lab" / CARD_NAME).read_text())["adapted"]["sources"]
    assert [(source["kind"], source["path"].rsplit("#", 1)[1], source["cells"])
            for source in sources] == [
        ("register case", case.uid, {"parasitized": 8, "uninfected": 8}) for case in cases]


def test_a_case_not_signed_or_an_image_changed_since_its_review_is_refused(tmp_path, capsys,
                                                                          monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cells = write_lab(tmp_path / "cells")
    signed = register_lab(tmp_path / "data", cells)
    still_open = register_lab(tmp_path / "data", cells, sign=False)
    result = cli(capsys, "adapt", "--case", still_open[0].uid, "--out", tmp_path / "lab")
    assert result.code == 2 and "is not signed" in result.err
    changed = sorted((cells / "uninfected" / "S2").glob("*.png"))[0]
    write_rgb(changed, make_cell(parasitized=False, seed=999))
    uids = [arg for case in signed for arg in ("--case", case.uid)]
    result = cli(capsys, "adapt", *uids, "--out", tmp_path / "lab")
    assert result.code == 2 and "is not the image that was reviewed" in result.err
    assert f"case {signed[2].uid[:8]} row 8" in result.err and not (tmp_path / "lab").exists()


def test_a_case_given_twice_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    """A case named twice, by a prefix and by its whole uid, was adapted on twice: its cells
    counted twice in the card and sat in two groups, on both sides of a held-out split. The
    refusal named only the second spelling, as if the same text had been given twice."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cases = register_lab(tmp_path / "data", write_lab(tmp_path / "cells"))
    uids = [arg for case in cases for arg in ("--case", case.uid[:8])]
    result = cli(capsys, "adapt", *uids, "--case", cases[0].uid, "--out", tmp_path / "lab")
    assert (result.code, result.err) == (
        2, f"malariascope: error: case {cases[0].uid[:8]} is given twice (as "
           f"'{cases[0].uid[:8]}' and '{cases[0].uid}'): give each case once\n")
    assert not (tmp_path / "lab").exists()


def test_a_case_uid_typed_in_capitals_names_its_case(tmp_path, capsys, monkeypatch):
    """`adapt --case 089B4AC7` answered that no case begins with it: uids are lower case, and
    one read off a printed report may be typed in capitals."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cases = register_lab(tmp_path / "data", write_lab(tmp_path / "cells"))
    uid = cases[0].uid
    assert uid.upper() != uid  # 32 hex digits: some are letters
    result = cli(capsys, "adapt", "--case", uid[:8], "--case", uid.upper(),
                 "--out", tmp_path / "lab")
    assert (result.code, result.err) == (
        2, f"malariascope: error: case {uid[:8]} is given twice (as '{uid[:8]}' and "
           f"'{uid.upper()}'): give each case once\n")


def test_a_case_and_its_own_report_adapt_on_each_cell_once(tmp_path, capsys, monkeypatch):
    """A register case given with the report exported from it, that report named again by a
    second path, was adapted on three times over: its 16 cells counted thrice and sat in
    three groups, on both sides of the held-out split that measures the adapted model."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cases = register_lab(tmp_path / "data", write_lab(tmp_path / "cells"))
    (tmp_path / "reports").mkdir()
    report = export_case(tmp_path / "data", cases[0], tmp_path / "reports" / "S0.csv")
    again = tmp_path / "reports" / ".." / "reports" / "S0.csv"
    uids = [arg for case in cases for arg in ("--case", case.uid[:8])]
    result = cli(capsys, "adapt", report, again, *uids, "--out", tmp_path / "lab")
    assert result.code == 0, result.err
    said = ("on 32 parasitized and 32 uninfected cells from 4 fields or slides. 32 repeated "
            "cells were left out: a cell given again, by another source or twice by one (the "
            "same image, and the same box in a field), is used once.")
    assert said in " ".join(result.out.split())
    facts = json.loads((tmp_path / "lab" / CARD_NAME).read_text())["adapted"]
    assert (facts["cells"], facts["groups"], facts["repeated"]) == (
        {"parasitized": 32, "uninfected": 32}, 4, 32)
    used = [(source["cells"]["parasitized"], source["cells"]["uninfected"], source["repeated"])
            for source in facts["sources"]]
    assert used == [(8, 8, 0), (0, 0, 16), (0, 0, 16), (8, 8, 0), (8, 8, 0), (8, 8, 0)]
    readme = " ".join((tmp_path / "lab" / "README.md").read_text(encoding="utf-8").split())
    assert said in readme and "0 uninfected, 16 repeated cells left out" in readme


def test_a_cell_called_otherwise_in_a_cases_report_refuses_the_adaptation(tmp_path, capsys,
                                                                         monkeypatch):
    """A case's report whose reviewer called a cell otherwise than the case did was adapted
    on with both calls: the cell counted once as parasitized, once as uninfected."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cases = register_lab(tmp_path / "data", write_lab(tmp_path / "cells"))
    report = export_case(tmp_path / "data", cases[0], tmp_path / "S0.csv",
                         calls={3: "uninfected"})  # row 3 is parasitized/S0/3.png
    uids = [arg for case in cases for arg in ("--case", case.uid)]
    result = cli(capsys, "adapt", report, *uids, "--out", tmp_path / "lab")
    assert (result.code, result.err) == (
        2, f"malariascope: error: S0.csv line 5 (3.png) and case {cases[0].uid[:8]} row 3 "
           "(3.png) are the same cell, called uninfected in the first and parasitized in the "
           "second: leave out the source whose call is wrong; nothing was adapted\n")
    assert not (tmp_path / "lab").exists()


def test_a_signed_case_with_no_reviewed_cell_is_refused_by_name(tmp_path, capsys,
                                                                monkeypatch):
    """A signed case whose cells were only marked unsure gave no cell and no word: the
    adaptation went on without it, and the window's figures said nothing of the case the
    technician had added, as a report with no reviewed row is refused by name."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    cells = write_lab(tmp_path / "cells")
    cases = register_lab(tmp_path / "data", cells)
    unsure = register_lab(tmp_path / "data", cells, unsure=True)[0]
    uids = [arg for case in [*cases, unsure] for arg in ("--case", case.uid)]
    result = cli(capsys, "adapt", *uids, "--out", tmp_path / "lab")
    assert (result.code, result.err) == (
        2, f"malariascope: error: case {unsure.uid[:8]} (S0) has no reviewed cell (none "
           "confirmed or overridden): leave it out\n")
    assert not (tmp_path / "lab").exists()
