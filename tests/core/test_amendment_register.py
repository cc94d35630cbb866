"""The register's own check on a withdrawn amendment: it takes the withdrawal only while it
holds the case as the amendment found it, whatever copy of the case brings it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from malariascope.core.classifier import CallRule
from malariascope.core.errors import AmendmentChangedError
from malariascope.core.register import Register
from tests.core.test_amendment import RULE, WHOLE, amended, save_whole
from tests.core.test_case import counts


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
