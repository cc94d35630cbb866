"""Withdrawing an amendment: only one that changed nothing, and the case is then signed as it
was, in the case and in the register, which drops the amendment."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule
from malariascope.core.errors import (
    CaseError,
    CaseSignedError,
    RegisterError,
)
from malariascope.core.extent import Extent
from malariascope.core.leftout import LeftOut
from malariascope.core.register import FILE_NAME, Register, schema_version
from tests.core.test_case import AT, counts
from tests.core.test_register import decision
from tests.core.test_register_scale import as_before_list_indexes
from tests.core.test_session import classifier, results  # noqa: F401

RULE = CallRule(0.5, (0.4, 0.6))
BEFORE_AMENDMENTS_NOTED = 7  # the last schema whose amendments did not note the case
AMENDED_AT = "2026-03-05T08:00:00+00:00"
MODEL = ("malariascope-cnn 0.1.0 (onnx)", "ab" * 32)
WHOLE = Extent(("slide",), files=100)  # the screening of the case's 100 cells, at its end


def as_before_amendments_noted(db: sqlite3.Connection) -> None:
    """Drop the columns of the steps that made amendments note the case as they found it,
    and the notes of amendments withdrawn (a later step's)."""
    for column in ("rule", "decisions", "sources", "extent", "model", "model_sha256"):
        db.execute(f"ALTER TABLE amendments DROP COLUMN {column}")
    db.execute("DROP TABLE withdrawals")


def save_whole(register: Register, case: Case, **given: object) -> int:
    """Save ``case`` as a window whose screening is :data:`WHOLE` does."""
    return register.save(case, screening_complete=True, files_found=WHOLE.files,
                         copies=WHOLE.copies, **given)


def amended(decisions: int | None = 2) -> Case:
    """A case of 100 cells signed by Ann with 2 review decisions made, amended by Bob."""
    case = Case(CaseFacts(sample_id="S-1", patient_id="P-1"), *MODEL, rule=RULE)
    case.sign("Ann", counts(), at=AT)
    case.amend("wrong slide opened", "Bob", at=AMENDED_AT, decisions=decisions, extent=WHOLE)
    return case


def test_an_amendment_that_changed_nothing_is_withdrawn_to_the_same_signature():
    case = amended()
    signed = case.amendments[0].replaced
    assert case.withdraw_amendment(case.result(counts()), 2, WHOLE) is signed
    assert case.signed is signed and case.amendments == () and not case.amending
    assert signed.signature.name == "Ann" and signed.signature.signed_at == AT
    with pytest.raises(CaseSignedError):
        case.update(notes="a change")


@pytest.mark.parametrize(("change", "words"), [
    (lambda case: case.update(patient_id="P-2", notes="x"), "the patient id, notes"),
    (lambda case: None, "cells counted 100 → 101"),  # an image added: its cell counted
    (lambda case: setattr(case, "rule", RULE.with_threshold(0.62)),
     "the threshold 0.5000 → 0.6200"),
])
def test_an_amendment_that_changed_the_case_is_not_withdrawn_and_says_what(change, words):
    case = amended()
    change(case)
    now = counts(uninfected=98) if words.startswith("cells") else counts()
    with pytest.raises(CaseError, match=words):
        case.withdraw_amendment(case.result(now), 2, WHOLE)
    assert case.amending and len(case.amendments) == 1


def test_a_review_made_since_the_amendment_stops_its_withdrawal_even_if_taken_back():
    case = amended()
    with pytest.raises(CaseError, match="^2 review decisions made$"):
        case.withdraw_amendment(case.result(counts()), 4, WHOLE)  # pressed, then taken back
    assert case.amending


def test_a_fact_put_back_as_signed_lets_the_amendment_be_withdrawn():
    case = amended()
    case.update(patient_id="P-2")
    case.update(patient_id="P-1")
    case.withdraw_amendment(case.result(counts()), 2, WHOLE)
    assert case.signed.facts.patient_id == "P-1" and case.amendments == ()


def test_an_amendment_that_did_not_note_the_case_is_never_withdrawn():
    case = amended(decisions=None)
    with pytest.raises(CaseError, match="earlier MalariaScope"):
        case.withdraw_amendment(case.result(counts()), 2, WHOLE)
    with pytest.raises(CaseError, match="no amendment open"):
        Case().withdraw_amendment(Case().result(counts()), 0, WHOLE)


# -- in the register ---------------------------------------------------------------------
def test_the_register_drops_a_withdrawn_amendment_and_holds_the_case_signed_as_before(
        tmp_path):
    case = amended(decisions=0)  # the register holds no review decision of it
    with Register(tmp_path) as register:
        save_whole(register, case)
        assert register.cases()[0].status == "open"
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        save_whole(register, case)
        save_whole(register, case)  # an autosave with nothing new
        loaded, summary = register.load(case.uid).case, register.cases()[0]
        rows = register._db.execute("SELECT count(*) FROM amendments").fetchone()[0]
    assert loaded.signed == case.signed and loaded.amendments == () and rows == 0
    assert (summary.status, summary.amendments, summary.signature.name) == ("signed", 0, "Ann")


def test_the_register_keeps_an_amendment_reviewed_since_a_copy_withdrew_it(
        tmp_path, results):  # noqa: F811
    case = Case(CaseFacts(sample_id="S-1"), rule=RULE)
    with Register(tmp_path) as register:
        register.save(case, cells=results[:1])
        case.sign("Ann", counts(), at=AT)
        case.amend("wrong slide opened", "Bob", at=AMENDED_AT, decisions=0, extent=WHOLE)
        save_whole(register, case)
        stale = register.load(case.uid).case
        stale.withdraw_amendment(stale.result(counts()), 0, WHOLE)
        register.save(case, reviews=[decision(0, "uninfected", "parasitized", "Bob")])
        with pytest.raises(RegisterError, match="cannot be withdrawn"):
            save_whole(register, stale)
        loaded = register.load(case.uid).case
    assert loaded.amending and loaded.amendments[0].decisions == 0


def test_an_amendment_of_an_older_register_opens_unnoted_and_is_not_withdrawn(tmp_path):
    case = amended()
    with Register(tmp_path) as register:
        register.save(case)
    with contextlib.closing(sqlite3.connect(tmp_path / FILE_NAME)) as db, db:
        as_before_amendments_noted(db)
        db.execute("ALTER TABLE cases DROP COLUMN copies_left_out")  # a later step's
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_AMENDMENTS_NOTED}")
    with Register(tmp_path) as register:
        loaded = register.load(case.uid).case
        assert register._db.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    assert loaded.amendments[0].replaced == case.amendments[0].replaced
    assert (loaded.amendments[0].rule, loaded.amendments[0].decisions) == (None, None)
    with pytest.raises(CaseError, match="earlier MalariaScope"):
        loaded.withdraw_amendment(loaded.result(counts()), 2, WHOLE)


def test_an_amendment_saved_over_a_withdrawn_one_keeps_its_own_reason(tmp_path):
    """The window's write queue keeps only a case's newest save: the withdrawal and the next
    amendment reach the register in one save."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        case.amend("patient id typed wrong", "Cy", at="2026-03-06T09:00:00+00:00",
                   decisions=0, extent=WHOLE)
        save_whole(register, case)
        loaded = register.load(case.uid).case
    assert loaded.amendments == case.amendments


def test_signed_again_after_an_amendment_over_a_withdrawn_one_keeps_its_reason(tmp_path):
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        case.amend("patient id typed wrong", "Cy", decisions=0, extent=WHOLE)
        case.update(patient_id="P-9")
        case.sign("Cy", counts())
        save_whole(register, case)
        loaded = register.load(case.uid).case
    assert [(a.reason, a.by) for a in loaded.amendments] == [("patient id typed wrong", "Cy")]
    assert loaded.signed == case.signed


@pytest.mark.parametrize("rule", [RULE, CallRule(0.37, (0.2, 0.55), 0.83),
                                  CallRule(0.612, (0.45, 0.75), 0.9)])
@pytest.mark.parametrize("moved", [0.3, 0.45, 0.62, 0.71, 0.9])
def test_a_threshold_moved_and_put_back_lets_the_amendment_be_withdrawn(rule, moved):
    case = Case(CaseFacts(sample_id="S-1"), rule=rule)
    case.sign("Ann", counts(), at=AT)
    case.amend("wrong slide opened", "Bob", at=AMENDED_AT, decisions=0, extent=WHOLE)
    case.rule = rule.with_threshold(moved).with_threshold(rule.threshold)
    assert case.withdraw_amendment(case.result(counts()), 0, WHOLE) == case.signed


def test_images_opened_during_an_amendment_keep_it_open():
    case = amended(decisions=0)
    case.sources = (*case.sources, "more")
    with pytest.raises(CaseError, match="images opened"):
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)


@pytest.mark.parametrize(("now", "words"), [
    (WHOLE.cut_short_at(["slide"]), "the screening was cut short"),
    (replace(WHOLE, files=104), "image files found 100 → 104"),
    (replace(WHOLE, copies=LeftOut(1, ("b.png (copy of a.png)",))),
     "files left out as copies 0 → 1"),
    (replace(WHOLE, copies=None), "the files left out as copies"),  # not recorded
])
def test_a_screening_whose_extent_moved_during_an_amendment_keeps_it_open(now, words):
    """A folder of the case opened again, then cancelled, changed only the screening's
    extent: the amendment was withdrawn, and the case stored signed, partial."""
    case = amended(decisions=0)
    with pytest.raises(CaseError, match=f"^{words}$"):
        case.withdraw_amendment(case.result(counts()), 0, now)
    assert case.amending


def test_a_screening_completed_during_an_amendment_keeps_it_open():
    case = Case(CaseFacts(sample_id="S-1"), rule=RULE)
    case.sign("Ann", counts(), at=AT)
    case.amend("wrong slide opened", "Bob", decisions=0, extent=WHOLE.cut_short_at(["slide"]))
    with pytest.raises(CaseError, match="^the screening was completed$"):
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)


def test_the_extent_noted_comes_back_from_the_register_as_recorded(tmp_path):
    """Another window, or the next start, withdraws the amendment from the register's copy:
    the inputs are not kept, the rest of the extent is."""
    case = Case(CaseFacts(sample_id="S-1"), rule=RULE)
    case.sign("Ann", counts(), at=AT)
    case.amend("wrong slide opened", "Bob", decisions=0, extent=WHOLE.cut_short_at(["slide"]))
    with Register(tmp_path) as register:
        register.save(case)
        loaded = register.load(case.uid).case
    assert loaded.amendments == case.amendments
    assert loaded.amendments[0].extent == Extent(files=100).as_saved(complete=False)
    with pytest.raises(CaseError, match="^the screening was completed$"):
        loaded.withdraw_amendment(loaded.result(counts()), 0, WHOLE)
    cut_short = Extent(("elsewhere/slide",), False, "cells", 100, ("elsewhere/slide",))
    signed = case.amendments[0].replaced
    assert loaded.withdraw_amendment(loaded.result(counts()), 0, cut_short) == signed


def test_another_model_called_during_an_amendment_keeps_it_open():
    """A case whose cells another model called since its amendment opened is that model's,
    whatever its counts: the amendment was withdrawn, and the case signed as the other
    model's."""
    case = amended(decisions=0)
    case.model, case.model_sha256 = "malariascope-cnn 0.2.0 (onnx)", "cd" * 32
    with pytest.raises(CaseError, match="^the model malariascope-cnn 0.1.0 \\(onnx\\) → "
                       "malariascope-cnn 0.2.0 \\(onnx\\)$"):
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
    case.model = MODEL[0]  # the same name, another model
    with pytest.raises(CaseError, match="^the model$"):
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
    case.model_sha256 = MODEL[1]
    assert case.withdraw_amendment(case.result(counts()), 0, WHOLE) == case.signed


def test_the_model_noted_comes_back_from_the_register(tmp_path):
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        register.save(case)
        loaded = register.load(case.uid).case
    assert loaded.amendments[0].model == MODEL and loaded.amendments == case.amendments
    loaded.model_sha256 = "cd" * 32
    with pytest.raises(CaseError, match="^the model$"):
        loaded.withdraw_amendment(loaded.result(counts()), 0, WHOLE)
