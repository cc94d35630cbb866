"""Signed cases in a case register, made as the window makes them: the real pipeline's
results, each cell reviewed, the case signed."""

from __future__ import annotations

from pathlib import Path

from malariascope.core.case import Case, CaseFacts, ReviewDecision, current_reviews
from malariascope.core.classifier import Classifier
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import screen
from malariascope.core.register import Register
from malariascope.core.report import report_row, write_report
from malariascope.core.tally import UNSURE
from tests.core.test_adapt_model import SLIDES
from tests.core.test_register import AT, counts_of


def register_lab(folder: Path, cells: Path, sign: bool = True, unsure: bool = False
                 ) -> list[Case]:
    """A case per slide of ``cells`` in the register in ``folder``: its cells screened by
    the real pipeline, each reviewed as its class folder says (``unsure``: each marked
    unsure, no call), and the case signed."""
    classifier = Classifier.open()
    cases = []
    with Register(folder) as register:
        for slide in range(SLIDES):
            paths = [path for name in ("parasitized", "uninfected")
                     for path in sorted((cells / name / f"S{slide}").glob("*.png"))]
            results = list(screen(paths, classifier))
            case = Case(CaseFacts(sample_id=f"S{slide}", operator="Ann"), classifier.model_name,
                        classifier.backend.model_sha256, classifier.rule)
            calls = [classifier.rule.call(result.probability, result.in_field)
                     for result in results]
            truth = [path.parent.parent.name for path in paths]
            reviews = [ReviewDecision(row, "Ann", AT, call, *((UNSURE, call) if unsure
                                                              else (true, true)))
                       for row, (call, true) in enumerate(zip(calls, truth, strict=True))]
            register.save(case, cells=results, first_row=0, reviews=reviews)
            if sign:
                finals = {} if unsure else dict(enumerate(truth))
                case.sign("Ann Lee", counts_of(results, classifier, finals), at=AT)
                register.save(case)
            cases.append(case)
    return cases



def export_case(folder: Path, case: Case, path: Path, calls: dict[int, str] | None = None
                ) -> Path:
    """The reviewed report of ``case`` as the window exports it once the case is reopened
    from the register in ``folder``: its cells, sample and standing reviews, one row each;
    ``calls`` (row -> call) gives those rows another reviewer's call instead."""
    with Register(folder, view=True) as register:
        stored = register.load(case.uid)
    facts = BatchFacts(stored.case.model, stored.case.model_sha256,
                       stored.case.facts.sample_id, rule=stored.case.rule)
    reviews = current_reviews(stored.reviews)
    for row, call in (calls or {}).items():
        reviews[row] = ReviewDecision(row, "Bo", AT, reviews[row].model_call, call, call)
    rows = [report_row(cell, facts, reviews.get(row)) for row, cell in enumerate(stored.cells)]
    return write_report(path, rows, facts, case=stored.case.facts)
