"""The summary beside a report: the batch's counts, then the slide's interval and target."""

from __future__ import annotations

from malariascope.core.case import CaseFacts, Signature, SignOff
from malariascope.core.facts import BatchFacts
from malariascope.core.register.query import AmendmentNote
from malariascope.core.summary import summary_rows
from malariascope.core.tally import Tally, Verdict

FIRST_KEYS = ("images", "fields", "classified", "parasitized", "uninfected", "uncertain",
              "errors", "reviewed", "percent_parasitized", "sample_id", "operator", "model",
              "model_sha256", "written_at")
SLIDE_KEYS = ("parasitemia_ci_low", "parasitemia_ci_high", "cells_target", "target_reached",
              "parasites_per_ul", "patient_id")
THRESHOLD_KEYS = ("threshold", "field_threshold")  # keys are only appended
RUN_KEYS = ("complete", "images_not_screened", "run_id")
UNLIKE_KEYS = ("healthy_shift_mad", "uncertain_fraction", "looks_unlike", "unlike_warning")
LAB_KEYS = ("stain", "lab")
RECORD_KEYS = ("copies_left_out", "copies_left_out_names", "signed_by", "signed_at")
REVIEW_KEYS = ("flagged_not_reviewed", "marked_unsure")
INTERVAL_KEYS = ("parasites_per_ul_ci_low", "parasites_per_ul_ci_high", "parasitemia_ci",
                 "parasites_per_ul_ci")
LEARNED_KEYS = ("learned_in_adaptation_images",)
AMENDED_KEYS = ("amendments", "amendments_detail")  # a signature after amendments


def tally(parasitized: int, uninfected: int, unreadable: int = 0) -> Tally:
    counts = Tally()
    for call, number in (("parasitized", parasitized), ("uninfected", uninfected),
                         ("", unreadable)):
        for _ in range(number):
            counts.add(Verdict(call))
    return counts


def summary(counts: Tally, case: CaseFacts | None = None,
            sign_off: SignOff | None = None) -> dict[str, str]:
    rows = summary_rows(counts, BatchFacts(sample_id="S-1", operator="Ann"), case,
                        sign_off=sign_off)
    assert rows[0] == ("key", "value")
    assert tuple(key for key, _ in rows[1:]) == (FIRST_KEYS + SLIDE_KEYS + THRESHOLD_KEYS
                                                 + RUN_KEYS + UNLIKE_KEYS + LAB_KEYS
                                                 + RECORD_KEYS + REVIEW_KEYS + INTERVAL_KEYS
                                                 + LEARNED_KEYS + AMENDED_KEYS)
    return dict(rows[1:])


def test_the_interval_is_wilsons_in_percent_as_newcombe_tabulates_it():
    # Newcombe (1998), Stat Med 17:857, table I, method 3: 15/148 -> 0.0624 to 0.1605
    values = summary(tally(15, 133, unreadable=4))
    assert (values["parasitemia_ci_low"], values["parasitemia_ci_high"]) == ("6.24", "16.05")
    assert values["percent_parasitized"] == "10.14"
    assert (values["cells_target"], values["target_reached"]) == ("2000", "false")
    assert (values["parasites_per_ul"], values["patient_id"]) == ("", "")


def test_none_found_has_an_interval_from_zero_and_the_slides_target_and_density():
    case = CaseFacts(patient_id="P-7", target_cells=100, rbc_per_ul=4_500_000)
    values = summary(tally(0, 20), case)  # Newcombe: 0/20 -> 0.0000 to 0.1611
    assert (values["parasitemia_ci_low"], values["parasitemia_ci_high"]) == ("0.00", "16.11")
    assert (values["cells_target"], values["target_reached"]) == ("100", "false")
    assert (values["parasites_per_ul"], values["patient_id"]) == ("0", "P-7")
    reached = summary(tally(3, 147), case)
    assert reached["target_reached"] == "true"
    assert reached["parasites_per_ul"] == "90000"  # 4.5 million x 3 / 150
    # Wilson 3/150: 0.6825 % to 5.7147 %, times 4.5 million red cells per µL
    assert (reached["parasites_per_ul_ci_low"], reached["parasites_per_ul_ci_high"]) == (
        "30700", "257000")


def test_nothing_counted_leaves_the_figures_empty_not_zero():
    values = summary(tally(0, 0, unreadable=2), CaseFacts(rbc_per_ul=5_000_000))
    assert values["percent_parasitized"] == values["parasitemia_ci_low"] == ""
    assert values["parasitemia_ci_high"] == values["parasites_per_ul"] == ""
    assert values["target_reached"] == "false"


def test_the_flagged_cells_not_reviewed_are_counted_with_those_marked_unsure():
    counts = tally(2, 3)
    counts.add(Verdict("uninfected", unsure=True))  # the model no longer flags it: the mark does
    counts.add(Verdict("uninfected", uncertain=True))
    counts.add(Verdict("parasitized", reviewed=True))
    values = summary(counts)
    assert (values["flagged_not_reviewed"], values["marked_unsure"]) == ("4", "1")


def test_learned_images_count_each_file_once_and_follow_a_row_counted_out():
    counts = Tally()
    assert summary(counts)["learned_in_adaptation_images"] == ""  # no card said
    cells = [Verdict("uninfected", learned=True, image_path="field.jpg")] * 3  # one file
    for verdict in [*cells, Verdict("parasitized", learned=False, image_path="c.png")]:
        counts.add(verdict)
    assert summary(counts)["learned_in_adaptation_images"] == "1"
    for verdict in cells:
        counts.add(verdict, -1)
    assert summary(counts)["learned_in_adaptation_images"] == "0"


def test_a_signature_after_amendments_says_how_many_and_each_as_the_register_export():
    signature = Signature("Bob Ray", "2026-12-07T10:31:05Z", 0)
    amended = (AmendmentNote("2026-12-07T10:02:59Z", "Ann Lee", 'id "S-7"; wrong'),)
    values = summary(tally(1, 1), sign_off=SignOff(signature, amended))
    assert (values["signed_by"], values["amendments"]) == ("Bob Ray", "1")
    assert values["amendments_detail"] == '1. 2026-12-07 10:02 UTC, "Ann Lee": "id ""S-7""; wrong"'
    assert summary(tally(1, 1), sign_off=SignOff(signature))["amendments"] == "0"
    assert (summary(tally(1, 1))["amendments"], summary(tally(1, 1))["amendments_detail"]) == (
        "", "")  # not signed
