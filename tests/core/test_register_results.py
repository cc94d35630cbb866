"""What a signed result came to hold in later versions, kept by the register: the unlike
limit, the count of cells marked unsure; a result saved before either opens without it."""

from __future__ import annotations

from pathlib import Path

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register
from malariascope.core.tally import Counts, Verdict
from tests.core.test_register import AT
from tests.core.test_register_search import read_csv


def loaded_with_older(folder: Path, case: Case, older: Case, key: str) -> tuple[Case, Case]:
    """``case`` and ``older``, signed, saved in the register in ``folder`` and loaded again,
    the results of ``older`` without ``key``, as registers from before it hold them."""
    with Register(folder) as register:
        register.save(case)
        register.save(older)
        register._db.execute(
            f"UPDATE cases SET result = json_remove(result, '$.{key}'), "
            f"signed = json_remove(signed, '$.result.{key}') WHERE uid = ?", (older.uid,))
    with Register(folder) as register:
        return register.load(case.uid).case, register.load(older.uid).case


def test_a_signed_result_keeps_its_unlike_limit_and_an_older_one_opens_without(tmp_path):
    unlike = ("The cells look unlike those the model learned from (healthy cells shifted by "
              "+2.7 MAD over 1 field; 1 % of cells uncertain): its calls may be less accurate "
              "than its card's figures.")
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", Counts(), at=AT, unlike=unlike)
    older = Case(CaseFacts(sample_id="S-0"))
    older.sign("Ann", Counts(), at=AT)
    kept, old = loaded_with_older(tmp_path, case, older, "unlike")
    assert kept.signed.result.unlike == unlike == kept.signed.result.limits()[0]
    assert old.signed == older.signed and old.signed.result.limits()[0].startswith("No red")


def _signed(sample_id: str) -> Case:
    """A case signed with one cell called uninfected and marked unsure, and one parasitized
    cell nobody reviewed."""
    counts = Counts()
    counts.add(Verdict("uninfected", unsure=True))
    counts.add(Verdict("parasitized"))
    case = Case(CaseFacts(sample_id=sample_id))
    case.sign("Ann", counts, at=AT)
    return case


def test_a_signed_result_keeps_its_cells_marked_unsure_and_an_older_one_opens_without(
        tmp_path):
    case, older = _signed("S-1"), _signed("S-0")
    assert case.signed.result.shortfalls()[-1] == (
        "2 flagged cells were not reviewed (1 marked unsure).")
    kept, old = loaded_with_older(tmp_path, case, older, "unsure")
    assert kept.signed == case.signed and kept.signed.result.unsure == 1
    assert old.signed.result.unsure is None
    assert old.signed.result.shortfalls()[-1] == "2 flagged cells were not reviewed."


def test_the_registers_export_gives_the_cells_marked_unsure(tmp_path):
    """The register's CSV gave the flagged cells not reviewed but not how many of them were
    marked unsure, waiting for a second reader."""
    with Register(tmp_path / "data") as register:
        register.save(_signed("S-1"))
        assert register.export_csv(tmp_path / "lis.csv") == 1
    (row,) = read_csv(tmp_path / "lis.csv")
    assert (row["unreviewed_flagged"], row["marked_unsure"]) == ("2", "1")
    assert list(row)[-5] == "marked_unsure"  # columns are only added at the end


def test_the_export_leaves_the_cells_marked_unsure_empty_where_not_recorded(tmp_path):
    """A result saved before the cells marked unsure were counted was exported with
    marked_unsure 0, as a result where none were marked."""
    none_marked = Case(CaseFacts(sample_id="S-2"))
    none_marked.sign("Ann", Counts(), at=AT)
    loaded_with_older(tmp_path / "data", none_marked, _signed("S-0"), "unsure")
    with Register(tmp_path / "data") as register:
        assert register.export_csv(tmp_path / "lis.csv") == 2
    rows = {row["sample_id"]: row for row in read_csv(tmp_path / "lis.csv")}
    assert rows["S-2"]["marked_unsure"] == "0"
    assert (rows["S-0"]["unreviewed_flagged"], rows["S-0"]["marked_unsure"]) == ("2", "")
