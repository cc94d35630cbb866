"""Cases signed before results kept their thresholds (register schema 20): the threshold of
the calls is the case's rule's, and the model card's is the bundled card's when the case
records the bundled model; a case of another model says nothing of a card it cannot know."""

from __future__ import annotations

import sqlite3

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import FILE_NAME, CaseQuery, Register, schema_version
from malariascope.core.words import threshold_words
from tests.core.test_register_search import AT, counts, read_csv

BEFORE_THRESHOLDS = 19  # the last schema whose results did not keep their thresholds
OTHER_MODEL = ("lab-model 2.0 (onnx)", "ab" * 32)


def older_register(folder, classifier) -> None:
    """Two cases signed at 0.3 by the real register, one called by the bundled model and one
    by another, then changed to the shape a register of schema 19 has."""
    rule = classifier.rule.with_threshold(0.3)  # as the window moves it
    with Register(folder) as register:
        for sample_id, (model, sha256) in (("S-1", classifier.identity), ("S-2", OTHER_MODEL)):
            case = Case(CaseFacts(sample_id=sample_id), model, sha256, rule)
            case.sign("Ann", counts(2, 98), at=AT, model_threshold=classifier.rule.threshold)
            register.save(case, case.signed.result)
    with sqlite3.connect(folder / FILE_NAME) as db:
        db.execute("UPDATE cases SET result = json_remove(result, '$.threshold', "
                   "'$.model_threshold'), signed = json_remove(signed, '$.result.threshold', "
                   "'$.result.model_threshold')")
        assert not db.execute("SELECT 1 FROM cases WHERE result LIKE '%threshold%' OR "
                              "signed LIKE '%threshold%'").fetchall()
        db.execute("ALTER TABLE cells DROP COLUMN learned")  # a later step's
        db.execute(f"PRAGMA user_version = {BEFORE_THRESHOLDS}")
    db.close()


def test_a_case_signed_before_thresholds_were_kept_is_told_its_threshold_moved(
        tmp_path, classifier):
    """Its export gave no threshold and its limits said nothing of the 0.3 it was called at,
    though it records the rule of its calls and the bundled model, whose card says 0.1873."""
    folder = tmp_path / "data"
    folder.mkdir()
    older_register(folder, classifier)
    card = threshold_words(classifier.rule.threshold)
    with Register(folder) as register:
        version = register._db.execute("PRAGMA user_version").fetchone()[0]
        results = {case.facts.sample_id: case.result for case in register.cases(CaseQuery())}
        assert register.export_csv(tmp_path / "lis.csv") == 2
    assert version == schema_version() > BEFORE_THRESHOLDS
    rows = {row["sample_id"]: row for row in read_csv(tmp_path / "lis.csv")}
    assert (rows["S-1"]["threshold"], rows["S-1"]["model_threshold"]) == ("0.3000", card)
    assert (f"The threshold 0.3000 is not the model's {card}: a higher threshold calls fewer "
            "cells parasitized") in " ".join(results["S-1"].shortfalls())
    # another model's card is not at hand: its threshold is not made up
    assert (rows["S-2"]["threshold"], rows["S-2"]["model_threshold"]) == ("0.3000", "")
    assert "is not the model's" not in " ".join(results["S-2"].shortfalls())
