"""The register and a withdrawn amendment: it takes the withdrawal only while it holds the
case as the amendment found it, whatever copy of the case brings it, and keeps a note of it."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import replace

import pytest

from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import CallRule
from malariascope.core.clock import utc_now
from malariascope.core.errors import AmendmentChangedError, RegisterError
from malariascope.core.register import FILE_NAME, Register, schema_version
from tests.core.test_amendment import AMENDED_AT, MODEL, RULE, WHOLE, amended, save_whole
from tests.core.test_case import AT, counts
from tests.core.test_register_scale import as_before_list_indexes

BEFORE_WITHDRAWALS_NOTED = 12  # the last schema that kept no note of a withdrawn amendment


def test_the_register_refuses_a_withdrawal_once_it_holds_the_screening_cut_short(tmp_path):
    """The register compared only the version replaced and the reviews: a copy of the case
    read before its amendment's screening was cut short withdrew it, and the register held
    the case signed, partial, though it was signed whole."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        stale = register.load(case.uid).case
        register.save(case, screening_complete=False)  # the amendment's screening cut short
        stale.withdraw_amendment(stale.result(counts()), 0, WHOLE)  # its own: whole
        with pytest.raises(AmendmentChangedError,
                           match="since it opened, the register holds another extent of its "
                                 "screening$"):
            register.save(stale)
        summary = register.cases()[0]
    assert (summary.status_words(), summary.amendments, summary.withdrawn) == (
        "open, partial", 1, ())


def test_the_register_refuses_a_withdrawal_once_another_model_has_the_case(tmp_path):
    """A copy of the case read before another model took it withdrew its amendment, and the
    register held the case signed, its model put back over the other model's."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        stale = register.load(case.uid).case
        case.model, case.model_sha256 = "malariascope-cnn 0.2.0 (onnx)", "cd" * 32
        save_whole(register, case)
        stale.withdraw_amendment(stale.result(counts()), 0, WHOLE)  # its own: the same model
        with pytest.raises(AmendmentChangedError, match="the register holds another model$"):
            save_whole(register, stale)
        loaded = register.load(case.uid).case
    assert loaded.amending and loaded.model == "malariascope-cnn 0.2.0 (onnx)"


@pytest.mark.parametrize("rule", [replace(RULE, threshold=0.6),
                                  replace(RULE, field_threshold=0.9)],
                         ids=["threshold", "field threshold"])
def test_the_register_refuses_a_withdrawal_once_it_holds_another_call_rule(tmp_path,
                                                                           rule: CallRule):
    """The register compared the screening, the model, the reviews and the version replaced,
    not the call rule: a copy read before the amendment moved the threshold withdrew it, and
    the register held the case signed, its old rule written over the one the calls had."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        stale = register.load(case.uid).case
        case.rule = rule
        save_whole(register, case)
        stale.withdraw_amendment(stale.result(counts()), 0, WHOLE)  # its own: the same rule
        with pytest.raises(AmendmentChangedError,
                           match="the register holds another call rule$"):
            save_whole(register, stale)
        loaded = register.load(case.uid).case
    assert loaded.amending and loaded.rule == rule


def test_the_register_refuses_a_withdrawal_once_it_holds_other_images_opened(tmp_path):
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        stale = register.load(case.uid).case
        case.sources = ("slide-2",)
        save_whole(register, case)
        stale.withdraw_amendment(stale.result(counts()), 0, WHOLE)  # its own: no images
        with pytest.raises(AmendmentChangedError,
                           match="the register holds other images opened$"):
            save_whole(register, stale)
        loaded = register.load(case.uid).case
    assert loaded.amending and loaded.sources == ("slide-2",)


def test_the_register_takes_a_withdrawal_with_a_threshold_moved_and_put_back(tmp_path):
    """A threshold moved and put back differs from the noted one only by rounding: the same
    rule to the register, as to the case."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        case.rule = replace(RULE, threshold=0.7 - 0.2)  # 0.49999999999999994
        save_whole(register, case)
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        save_whole(register, case)
        loaded = register.load(case.uid).case
    assert not loaded.amending and loaded.signed == case.signed


def test_a_withdrawn_amendment_leaves_a_note_in_the_case_and_the_register(tmp_path):
    """A withdrawn amendment left no record: the register held the case signed as before,
    with nothing saying it had been opened again, by whom or why."""
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        before = utc_now()
        case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        save_whole(register, case)
        save_whole(register, case)  # an autosave with nothing new: the note is kept once
        loaded, summary = register.load(case.uid).case, register.cases()[0]
    (note,) = case.withdrawn
    assert (note.reason, note.by, note.opened_at) == ("wrong slide opened", "Bob", AMENDED_AT)
    assert before <= note.withdrawn_at <= utc_now()
    assert loaded.withdrawn == summary.withdrawn == (note,)
    assert (loaded.amendments, summary.status) == ((), "signed")


def test_amendments_withdrawn_between_two_saves_are_each_noted_in_order(tmp_path):
    """The window's write queue keeps only a case's newest save: a signed case amended and
    withdrawn twice reaches the register signed as it was, with both notes."""
    case = Case(CaseFacts(sample_id="S-1"), *MODEL, rule=RULE)
    case.sign("Ann", counts(), at=AT)
    with Register(tmp_path) as register:
        save_whole(register, case)
        for reason in ("wrong slide opened", "second look"):
            case.amend(reason, "Bob", decisions=0, extent=WHOLE)
            case.withdraw_amendment(case.result(counts()), 0, WHOLE)
        save_whole(register, case)
        loaded = register.load(case.uid).case
    assert [note.reason for note in loaded.withdrawn] == ["wrong slide opened", "second look"]
    assert loaded.withdrawn == case.withdrawn and loaded.signed == case.signed


def test_the_register_keeps_an_amendment_a_copy_dropped_without_a_note(tmp_path):
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
        case.amendments, case.signed = (), case.amendments[0].replaced
        with pytest.raises(RegisterError, match="cannot be withdrawn"):
            save_whole(register, case)
        assert register.load(case.uid).case.amending


def test_a_register_of_the_schema_before_is_migrated_to_note_withdrawals(tmp_path):
    case = amended(decisions=0)
    with Register(tmp_path) as register:
        save_whole(register, case)
    with contextlib.closing(sqlite3.connect(tmp_path / FILE_NAME)) as db, db:
        db.execute("DROP TABLE withdrawals")
        as_before_list_indexes(db)
        db.execute(f"PRAGMA user_version = {BEFORE_WITHDRAWALS_NOTED}")
    with Register(tmp_path) as register:
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        loaded = register.load(case.uid).case
        assert loaded.amending and loaded.withdrawn == ()
        loaded.withdraw_amendment(loaded.result(counts()), 0, WHOLE)
        save_whole(register, loaded)
        assert register.cases()[0].withdrawn == loaded.withdrawn != ()
    assert version == schema_version() > BEFORE_WITHDRAWALS_NOTED
