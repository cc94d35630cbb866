"""The case register's CSV export: one row per case, its amendments, nothing a spreadsheet runs."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule
from malariascope.core.clock import utc_minute
from malariascope.core.errors import ReportExistsError
from malariascope.core.parasitemia import CaseResult
from malariascope.core.register import FILE_NAME, CaseQuery, Register
from malariascope.core.register.export import COLUMNS
from malariascope.core.tally import percent_text
from tests.core.test_amendment import WHOLE, amended, save_whole
from tests.core.test_case import counts as amended_counts
from tests.core.test_register_search import AT, counts, read_csv, three_cases  # noqa: F401


def test_the_export_has_one_row_per_case_with_its_figures(three_cases, tmp_path):  # noqa: F811
    register, (amina, _, _) = three_cases
    target = tmp_path / "lis.csv"
    assert register.export_csv(target, CaseQuery(uids=(amina.uid,))) == 1
    (row,) = read_csv(target)
    assert row["case_uid"] == amina.uid and row["patient_id"] == "Amina K."
    assert (row["cells_counted"], row["cells_target"], row["target_reached"]) == (
        "2000", "2000", "true")
    assert (row["parasitized"], row["percent_parasitized"]) == ("25", "1.25")
    assert (row["parasitemia_ci_low"], row["parasitemia_ci_high"]) == ("0.85", "1.84")
    assert (row["rbc_per_ul"], row["parasites_per_ul"]) == ("5000000", "62500")
    # the Wilson interval 0.8481 % to 1.8388 % times 5 million, to 3 significant figures
    assert (row["parasites_per_ul_ci_low"], row["parasites_per_ul_ci_high"]) == (
        "42400", "91900")
    assert (row["signed_by"], row["signed_at"], row["status"]) == ("Ann Lee", AT, "signed")
    assert row["model_sha256"].startswith("4a50d307762f") and row["notes"] == "fever"
    assert COLUMNS[-11:-7] == ("lab", "partial", "unlike_warning", "copies_left_out")
    assert row["lab"] == "Central Lab, Kisumu" and row["unlike_warning"] == ""
    assert (row["stain"], row["partial"]) == ("", "")  # no window works on it: not known


def test_the_export_rounds_the_parasitemia_as_the_printed_report_does(tmp_path):
    """The export wrote 20 of 1,270 cells (1.5748 %) as 1.575 where the report printed 1.57:
    a lab system rounding the export's figure to two places recorded 1.58."""
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts(20, 1250), at=AT)
    with Register(tmp_path / "data") as register:
        register.save(case)
        (summary,) = register.cases(CaseQuery(uids=(case.uid,)))
        assert register.export_csv(tmp_path / "lis.csv") == 1
    (row,) = read_csv(tmp_path / "lis.csv")
    low, high = summary.result.interval
    assert summary.result.parasitemia == pytest.approx(1.5748, abs=1e-4)
    assert row["percent_parasitized"] == percent_text(summary.result.parasitemia) == "1.57"
    assert (row["parasitemia_ci_low"], row["parasitemia_ci_high"]) == (
        percent_text(low), percent_text(high)) == ("1.02", "2.42")


def test_the_export_says_who_amended_each_case_when_and_why(tmp_path):
    """The export gave only how many times a case was amended (``amendments,2``): an auditor
    had to open each case in the window to learn who amended it, when and why."""
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts(1, 99), at=AT)
    case.amend("wrong slide opened", "Bob", at="2026-03-05T08:00:00+00:00")
    case.sign("Bob", counts(1, 99), at="2026-03-05T08:10:00+00:00")
    case.amend("=patient id typed wrong;\nsee the form", "Cy Ødegård",
               at="2026-03-06T09:30:59+01:00")
    with Register(tmp_path / "data") as register:
        register.save(case)
        register.save(Case(CaseFacts(sample_id="S-2")))
        assert register.export_csv(tmp_path / "lis.csv") == 2
    rows = {row["sample_id"]: row for row in read_csv(tmp_path / "lis.csv")}
    assert COLUMNS[-7:-5] == ("amendments_detail", "amendments_withdrawn")
    assert rows["S-1"]["amendments"] == "2"
    assert rows["S-1"]["amendments_detail"] == (
        '1. 2026-03-05 08:00 UTC, "Bob": "wrong slide opened"; '
        '2. 2026-03-06 08:30 UTC, "Cy Ødegård": "=patient id typed wrong;\nsee the form"')
    assert (rows["S-2"]["amendments"], rows["S-2"]["amendments_detail"]) == ("0", "")


def test_a_reason_typed_with_a_semicolon_and_a_number_reads_as_one_amendment(tmp_path):
    """A reason holding "; 2. " read as a second amendment in the export's detail, beside
    an ``amendments`` count of 1."""
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts(1, 99), at=AT)
    case.amend('slide id wrong; 2. relabelled "S-1b", per form', "Bob",
               at="2026-03-05T08:00:00+00:00")
    with Register(tmp_path / "data") as register:
        register.save(case)
        register.export_csv(tmp_path / "lis.csv")
    (row,) = read_csv(tmp_path / "lis.csv")
    assert row["amendments"] == "1"
    assert row["amendments_detail"] == (
        '1. 2026-03-05 08:00 UTC, "Bob": "slide id wrong; 2. relabelled ""S-1b"", per form"')


def test_a_name_typed_with_a_semicolon_and_quotes_reads_as_one_amender(tmp_path):
    """The amender's name was written bare: a name holding "; " read as the end of the
    amendment, and one holding a quote as the start of its reason."""
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts(1, 99), at=AT)
    case.amend("wrong slide", 'Lee; 2. "Bo": x', at="2026-03-05T08:00:00+00:00")
    with Register(tmp_path / "data") as register:
        register.save(case)
        register.export_csv(tmp_path / "lis.csv")
    (row,) = read_csv(tmp_path / "lis.csv")
    assert row["amendments_detail"] == (
        '1. 2026-03-05 08:00 UTC, "Lee; 2. ""Bo"": x": "wrong slide"')


def test_amendments_stored_out_of_order_are_exported_in_their_order(tmp_path):
    """The export took the amendments in the order SQLite handed them to json_group_array
    from a sorted subquery, an order SQLite promises nothing of before 3.44. Here SQLite
    reads rows in the opposite of its usual order wherever it may."""
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts(1, 99), at=AT)
    for number in (1, 2, 3):
        case.amend(f"reason {number}", "Bob", at=f"2026-03-0{number}T08:00:00+00:00")
        case.sign("Bob", counts(1, 99), at=f"2026-03-0{number}T08:10:00+00:00")
    with Register(tmp_path / "data") as register:
        register.save(case)
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / FILE_NAME)) as db, db:
        rows = db.execute("SELECT * FROM amendments ORDER BY number").fetchall()
        db.execute("DELETE FROM amendments")
        db.executemany(f"INSERT INTO amendments VALUES ({', '.join('?' * len(rows[0]))})",
                       [rows[2], rows[0], rows[1]])
    with Register(tmp_path / "data") as register:
        register._db.execute("PRAGMA reverse_unordered_selects = ON")
        register.export_csv(tmp_path / "lis.csv")
        (summary,) = register.cases()
    assert [note.reason for note in summary.amended] == ["reason 1", "reason 2", "reason 3"]
    (row,) = read_csv(tmp_path / "lis.csv")
    assert row["amendments_detail"] == "; ".join(
        f'{number}. 2026-03-0{number} 08:00 UTC, "Bob": "reason {number}"'
        for number in (1, 2, 3))


def test_the_export_notes_each_amendment_withdrawn_beside_those_kept(tmp_path):
    """A withdrawn amendment left nothing in the export: a case opened again and put back
    read as never amended."""
    case = amended(decisions=0)
    with Register(tmp_path / "data") as register:
        save_whole(register, case)
        case.withdraw_amendment(case.result(amended_counts()), 0, WHOLE)
        case.amend("patient id typed wrong", "Cy", at="2026-03-06T09:00:00+00:00",
                   decisions=0, extent=WHOLE)
        case.withdraw_amendment(case.result(amended_counts()), 0, WHOLE)
        save_whole(register, case)
        register.export_csv(tmp_path / "lis.csv")
    (row,) = read_csv(tmp_path / "lis.csv")
    first, second = (utc_minute(note.withdrawn_at) for note in case.withdrawn)
    assert (row["amendments"], row["amendments_detail"]) == ("0", "")
    assert row["amendments_withdrawn"] == (
        f'1. opened 2026-03-05 08:00 UTC, withdrawn {first}, "Bob": "wrong slide opened"; '
        f'2. opened 2026-03-06 09:00 UTC, withdrawn {second}, "Cy": "patient id typed wrong"')


def test_the_export_never_hands_a_spreadsheet_a_formula(three_cases, tmp_path):  # noqa: F811
    register, (_, hacker, open_case) = three_cases
    target = tmp_path / "lis.csv"
    assert register.export_csv(target) == 3
    rows = {row["case_uid"]: row for row in read_csv(target)}
    row = rows[hacker.uid]
    assert row["sample_id"] == "'=HYPERLINK(\"http://x\")" and row["patient_id"] == "'+1-555"
    assert (row["operator"], row["signed_by"]) == ("'@admin", "'-Bob")
    assert row["notes"] == "'-2+3\nsecond line"
    assert row["percent_parasitized"] == "0.00" and row["parasites_per_ul"] == ""
    assert rows[open_case.uid]["signed_at"] == "" and rows[open_case.uid]["status"] == "open"
    first_cells = [value[:1] for row in rows.values() for value in row.values() if value]
    assert not set(first_cells) & set("=+-@")


def test_the_export_never_replaces_a_file_unasked(three_cases, tmp_path):  # noqa: F811
    register, _ = three_cases
    target = tmp_path / "lis.csv"
    target.write_text("the lab's own file")
    with pytest.raises(ReportExistsError):
        register.export_csv(target)
    assert target.read_text() == "the lab's own file"
    assert register.export_csv(target, overwrite=True) == 3
    assert len(read_csv(target)) == 3
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "lis.csv"]



def test_the_export_gives_the_threshold_of_the_calls_and_the_models(tmp_path):
    """The export had no threshold: a result signed at 0.3000, where the model card says
    0.1873, read in the lab system as any other. A result saved before they were kept
    gives neither (not recorded)."""
    moved = Case(CaseFacts(sample_id="S-1"), rule=CallRule(0.3, (0.2, 0.45)))
    moved.sign("Ann", counts(1, 99), at=AT, model_threshold=0.18734)
    with Register(tmp_path / "data") as register:
        register.save(moved)
        register.save(Case(CaseFacts(sample_id="S-2")))
        assert register.export_csv(tmp_path / "lis.csv") == 2
    rows = {row["sample_id"]: row for row in read_csv(tmp_path / "lis.csv")}
    assert COLUMNS[-4:-2] == ("threshold", "model_threshold")  # appended in turn
    assert (rows["S-1"]["threshold"], rows["S-1"]["model_threshold"]) == ("0.3000", "0.1873")
    assert (rows["S-2"]["threshold"], rows["S-2"]["model_threshold"]) == ("", "")


@pytest.mark.parametrize(("threshold", "said"), [
    (0.3, "The threshold 0.3000 is not the model's 0.1873: a higher threshold calls "
          "fewer cells parasitized and flags fewer for review."),
    (0.1, "The threshold 0.1000 is not the model's 0.1873: a lower threshold calls "
          "more cells parasitized and flags more for review."),
    (0.18733, ""),  # the same as shown: a threshold moved and put back
])
def test_a_result_says_a_threshold_moved_from_the_models_among_its_limits(threshold, said):
    result = CaseResult.of(counts(1, 99), 100, threshold=threshold, model_threshold=0.18734)
    assert result.threshold_moved == said
    assert (said in result.limits()) == bool(said)
