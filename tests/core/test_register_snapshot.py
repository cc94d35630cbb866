"""A case read from the register while another connection changes it is read whole, as it was
when the read began."""

from __future__ import annotations

from malariascope.core.case import Case, CaseFacts
from malariascope.core.register import Register


def test_a_case_discarded_by_another_connection_during_its_read_is_read_whole(tmp_path):
    """Another window discarded the case between the read's first statement (its id) and the
    next: the read failed with 'cannot be read: cannot unpack non-iterable NoneType'."""
    case = Case(CaseFacts(sample_id="S-9"))
    with Register(tmp_path) as other:
        other.save(case)
        with Register(tmp_path) as reader:
            statements: list[str] = []

            def discard_after_the_first(statement: str) -> None:
                if statements and statements[-1].startswith("SELECT id FROM cases"):
                    other.discard(case.uid)  # the id was found; the case row comes next
                statements.append(statement)

            reader._db.set_trace_callback(discard_after_the_first)
            stored = reader.load(case.uid)
            reader._db.set_trace_callback(None)
        assert other.cases() == []  # the discard went through
    assert stored.case.uid == case.uid and stored.case.facts.sample_id == "S-9"
