"""A case: facts checked as typed, a signed case read-only, amendments keep what was signed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import subprocess
import sys

import pytest

from malariascope.core.case import Case, CaseFacts, ReviewDecision, current_reviews, iso_day
from malariascope.core.casefacts import check_typed
from malariascope.core.clock import local_time
from malariascope.core.errors import CaseError, CaseSignedError
from malariascope.core.tally import Counts, Verdict

AT = "2026-03-04T10:11:12+00:00"


def counts(parasitized: int = 3, uninfected: int = 97, flagged: int = 2) -> Counts:
    tally = Counts()
    for _ in range(parasitized):
        tally.add(Verdict("parasitized", reviewed=True))
    for i in range(uninfected):
        tally.add(Verdict("uninfected", uncertain=i < flagged))
    return tally


def test_facts_are_stripped_and_defaults_are_2000_cells_with_no_stain_or_lab_assumed():
    facts = CaseFacts(sample_id="  S-17 ", patient_id="P-3\t", notes=" line 1\r\nline 2 ",
                      lab=" Central Lab, Kisumu ")
    assert (facts.sample_id, facts.patient_id, facts.notes) == ("S-17", "P-3", "line 1\nline 2")
    assert (facts.stain, facts.target_cells, facts.rbc_per_ul) == ("", 2000, None)
    assert facts.lab == "Central Lab, Kisumu" and CaseFacts().lab == ""
    assert CaseFacts(rbc_per_ul=4_800_000).rbc_per_ul == 4_800_000.0


TOMORROW_PLUS = (dt.date.today() + dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(("changes", "words"), [
    (dict(target_cells=99), "target red cell count must be a whole number from 100 to 20,000"),
    (dict(target_cells=20_001), "from 100 to 20,000"),
    (dict(target_cells=2000.0), "whole number"),
    (dict(target_cells=True), "whole number"),
    (dict(rbc_per_ul=50), "red cells per µL must be a number from 100,000"),
    (dict(rbc_per_ul="5e6"), "red cells per µL"),
    (dict(age_years=-1), "age in years"),
    (dict(sex="x"), "sex must be one of"),
    (dict(stain="Wright"), "stain must be one of Giemsa, Field's, other or empty"),
    (dict(lab="Lab\nWard 3"), "laboratory holds a control character"),
    (dict(collected_on="03/04/2026"), "YYYY-MM-DD"),
    (dict(collected_on=TOMORROW_PLUS), "in the future"),
    (dict(sample_id="S-1\nS-2"), "slide \\(sample\\) id holds a control character"),
    (dict(patient_id="P" * 101), "longer than 100 characters"),
    (dict(operator=None), "microscopist must be text"),
])
def test_facts_refuse_what_a_lab_record_cannot_hold(changes, words):
    with pytest.raises(CaseError, match=words):
        CaseFacts(**changes)


def test_a_signed_case_refuses_every_change():
    case = Case(CaseFacts(sample_id="S-1", operator="Ann"), model="m 1.0", model_sha256="ab")
    signed = case.sign(" Ann Smith ", counts(), at=AT)
    assert signed.signature.name == "Ann Smith" and signed.signature.signed_at == AT
    assert signed.signature.unreviewed_flagged == 2
    assert signed.result.parasitized == 3 and signed.facts == case.facts
    with pytest.raises(CaseSignedError, match="S-1 is signed: amend it"):
        case.update(notes="later")
    with pytest.raises(CaseSignedError):
        case.facts = CaseFacts(sample_id="S-2")
    with pytest.raises(CaseSignedError):
        case.model_sha256 = "cd"
    with pytest.raises(CaseSignedError):
        case.signed = None
    with pytest.raises(CaseSignedError):
        case.sign("Ann", counts())
    with pytest.raises(CaseSignedError):
        case.check_open()
    assert case.signed is signed and case.facts.notes == ""


def test_an_amendment_keeps_the_signed_version_and_the_case_is_signed_again():
    case = Case(CaseFacts(sample_id="S-1"))
    first = case.sign("Ann", counts(), at=AT)
    amendment = case.amend("cell 12 re-read: a platelet", "Bob")
    assert amendment.replaced == first and amendment.by == "Bob"
    case.update(notes="cell 12 is a platelet")
    second = case.sign("Bob", counts(parasitized=2, uninfected=98))
    assert case.amendments == (amendment,) and case.signed == second
    assert (first.result.parasitized, second.result.parasitized) == (3, 2)
    assert first.facts.notes == "" and second.facts.notes == "cell 12 is a platelet"


@pytest.mark.parametrize(("reason", "by"), [("", "Bob"), ("typo", " ")])
def test_an_amendment_needs_a_reason_and_a_name(reason, by):
    case = Case(CaseFacts(sample_id="S-1"))
    case.sign("Ann", counts())
    with pytest.raises(CaseError, match="needs a reason"):
        case.amend(reason, by)
    assert case.signed is not None and case.amendments == ()


def test_signing_needs_a_slide_id_and_a_name_and_only_signed_cases_are_amended():
    with pytest.raises(CaseError, match="slide"):
        Case().sign("Ann", counts())
    with pytest.raises(CaseError, match="signer's name"):
        Case(CaseFacts(sample_id="S-1")).sign("  ", counts())
    with pytest.raises(CaseError, match="only a signed case"):
        Case().amend("why", "Ann")


def test_two_cases_of_one_patient_opened_in_one_minute_have_names_of_their_own():
    """A case without a slide id was named by its patient and the minute it was opened, so
    two opened in one minute had one name in the window's title, its questions and the
    register's notes."""
    first = Case(CaseFacts(patient_id="P-00917"), created_at="2026-03-04T10:11:12+00:00")
    second = Case(CaseFacts(patient_id="P-00917"), created_at="2026-03-04T10:11:48+00:00")
    assert first.name != second.name
    opened = local_time(first.created_at, seconds=True)  # "10:11:12 UTC on 2026-03-04"
    assert first.name == f"(patient P-00917, no slide id, opened {opened})"
    assert Case(CaseFacts(sample_id="S-1"), created_at=first.created_at).name == "S-1"


def test_the_result_follows_the_cases_target_and_red_cell_count():
    case = Case(CaseFacts(target_cells=100, rbc_per_ul=5_000_000))
    result = case.result(counts())
    assert result.target_reached and result.parasites_per_ul == pytest.approx(150_000)
    case.update(target_cells=5000)
    assert not case.result(counts()).target_reached


def test_a_review_decision_records_the_call_pressed_and_the_final_call_that_follows():
    pressed = ReviewDecision(4, "Ann", AT, "parasitized", "uninfected", "uninfected")
    unsure = ReviewDecision(4, "Bob", AT, "parasitized", "unsure", "parasitized")
    assert pressed.reviewed and not unsure.reviewed
    assert current_reviews([pressed, unsure]) == {4: unsure}
    with pytest.raises(CaseError, match="does not follow"):
        dataclasses.replace(pressed, final_call="parasitized")
    with pytest.raises(CaseError, match="does not follow"):
        dataclasses.replace(unsure, final_call="uninfected")
    with pytest.raises(CaseError, match="reviewer's name"):
        dataclasses.replace(pressed, reviewer="")
    with pytest.raises(CaseError, match="unknown review"):
        dataclasses.replace(pressed, pressed="maybe")


def test_a_case_is_held_before_numpy_loads():
    """The window makes its case before the first paint; numpy comes later, with the model."""
    code = ("import sys; import malariascope.core.case; "
            "print(sorted({'numpy', 'cv2', 'PySide6'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("typed", ["2026-02-27", "20260227", "2026-W09-5", "2026W095"])
def test_every_iso_form_of_a_day_is_read_the_same_on_every_python(typed):
    """Python 3.10 reads only YYYY-MM-DD by itself: there, 20260227 was refused as typed and
    left as it was by the register's step that rewrites such dates, which then never ran
    again."""
    assert iso_day(typed) == dt.date(2026, 2, 27)


@pytest.mark.parametrize("typed", ["20261327", "2026-W54-1", "2026-W09-8", "03/04/2026"])
def test_a_day_that_is_none_is_refused(typed):
    with pytest.raises(CaseError, match="not a date as YYYY-MM-DD"):
        iso_day(typed)


#: Unicode's direction embeddings, overrides and isolates.
DIRECTION_CONTROLS = [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]


@pytest.mark.parametrize("control", DIRECTION_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_text_typed_with_a_direction_control_is_refused_as_typed_only(control):
    """"P\u202eevil" was taken as a patient id (and a signer's name, an amendment's reason):
    invisible, it shows the id's letters reversed in the window, the reports and the PDF.
    Text a register or a session already holds is read as it is."""
    words = re.escape(f"holds the invisible direction control U+{ord(control):04X}, which "
                      "shows the text around it out of order: type the text again rather "
                      "than paste it")
    for name, fact in (("patient_id", "patient id"), ("sample_id", "slide \\(sample\\) id"),
                       ("notes", "notes"), ("lab", "laboratory")):
        with pytest.raises(CaseError, match=f"^{fact} {words}$"):
            check_typed({name: f"P{control}evil"})
    check_typed({"patient_id": "P-1", "notes": "line 1\nline 2", "target_cells": 2000})
    case = Case(CaseFacts(sample_id="S-1", patient_id=f"P{control}evil"))  # as read back
    with pytest.raises(CaseError, match=f"^the signer's name {words}$"):
        case.sign(f"Ann{control}", counts(), at=AT)
    case.sign("Ann", counts(), at=AT)
    for reason, by, who in ((f"wrong{control} slide", "Ann", "the reason"),
                            ("wrong slide", f"Ann{control}", "the name")):
        with pytest.raises(CaseError, match=f"^{who} {words}$"):
            case.amend(reason, by, at=AT)


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"], ids=["LRM", "RLM", "ALM"])
def test_direction_marks_of_right_to_left_typing_are_taken(mark):
    """Hebrew and Arabic keyboards type the direction marks, which reorder no letters: an id
    or a name typed with one is taken as typed."""
    check_typed({"patient_id": f"\u05d0{mark}-17", "operator": f"\u0639\u0644\u064a{mark}"})
    case = Case(CaseFacts(sample_id="S-1"))
    assert case.sign(f"\u0639\u0644\u064a{mark}", counts(), at=AT).signature.name.endswith(mark)
