"""Session folders of earlier releases: every field of every row comes back, damage is caught."""

from __future__ import annotations

import base64
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from malariascope.core.case import ReviewDecision
from malariascope.core.classifier import PARASITIZED, UNINFECTED, CallRule, Classifier
from malariascope.core.errors import SessionError
from malariascope.core.extent import Extent
from malariascope.core.facts import BatchFacts
from malariascope.core.pipeline import ScreeningResult, screen
from malariascope.core.session import Session, SessionStore
from malariascope.core.tally import UNSURE
from tests.images import make_cell_folder, make_field, write_broken_files, write_rgb
from tests.legacy_session import legacy_state, write_legacy_session


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.open()


@pytest.fixture(scope="module")
def results(tmp_path_factory, classifier) -> list[ScreeningResult]:
    """Real results of every kind: cells, unreadable files, and the cells of a whole field."""
    folder = tmp_path_factory.mktemp("sample")
    paths = make_cell_folder(folder, 10)
    write_broken_files(folder / "broken")
    paths += sorted((folder / "broken").iterdir())
    paths.append(write_rgb(folder / "field.png", make_field()[0]))
    return list(screen(paths, classifier))


def decision(row: int, pressed: str, model_call: str = UNINFECTED,
             reviewer: str = 'A. "Op"') -> ReviewDecision:
    final = pressed if pressed in (PARASITIZED, UNINFECTED) else model_call
    return ReviewDecision(row, reviewer, "2026-12-03T10:00:00+00:00", model_call, pressed, final)


def session_of(results, classifier, **changes) -> Session:
    ok = [row for row, result in enumerate(results) if result.ok]
    facts = BatchFacts.of(classifier, rule=classifier.rule.with_threshold(0.3),
                          sample_id="S-1, ü", operator='A. "Op"', sources=("smear 1", "ü.png"))
    decisions = [decision(ok[0], PARASITIZED), decision(ok[-1], UNINFECTED, PARASITIZED),
                 decision(ok[1], UNSURE, reviewer="B"), decision(ok[1], "", reviewer="B")]
    extent = Extent(("smear 1", "ü.png"), False, "cell", len(results) + 5)
    session = Session(results, facts, decisions, unsaved=True, complete=False, extent=extent)
    return dataclasses.replace(session, **changes)


def assert_same_results(saved: list[ScreeningResult], loaded: list[ScreeningResult]) -> None:
    """Every field of the dataclass, whatever fields it has now, compared exactly."""
    assert len(saved) == len(loaded)
    for before, after in zip(saved, loaded, strict=True):
        for field in dataclasses.fields(ScreeningResult):
            a, b = getattr(before, field.name), getattr(after, field.name)
            if isinstance(a, np.ndarray):
                assert b.dtype == a.dtype and np.array_equal(a, b), field.name
            else:
                assert a == b and type(a) is type(b), (field.name, a, b)


def test_every_field_of_every_row_round_trips(tmp_path, results, classifier):
    kinds = {(r.ok, r.whole_field) for r in results}
    assert kinds == {(True, False), (False, False), (True, True)}  # the data covers them all
    assert all(r.cell_index and r.box for r in results if r.whole_field)
    session = session_of(results, classifier)
    write_legacy_session(tmp_path / "s", session)
    loaded = SessionStore(tmp_path / "s").load()
    assert_same_results(results, loaded.results)
    for name in ("facts", "decisions", "unsaved", "complete", "extent"):
        assert getattr(loaded, name) == getattr(session, name), name
    assert loaded.saved_at


def test_every_field_of_the_saved_dataclasses_is_written(results, classifier):
    """A field added to one of them needs its line in ``to_dict`` (and ``from_dict``), and one
    added to a session its line in the session files written here."""
    for value in (results[-1], classifier.rule, BatchFacts()):
        assert value.to_dict().keys() == {field.name for field in dataclasses.fields(value)}
    own = {field.name for field in dataclasses.fields(Session)} - {"results", "facts", "case"}
    assert legacy_state(session_of(results, classifier)).keys() == (
        own | BatchFacts().to_dict().keys())


def test_a_session_in_the_layout_of_earlier_releases_still_loads(tmp_path):
    """The state file keeps the facts' fields flat among the session's, in any order, as
    version 1 always wrote them: work autosaved before an upgrade comes back."""
    folder = tmp_path / "s"
    folder.mkdir()
    class_map = np.arange(64, dtype=np.float32).reshape(8, 8)
    rows = [{"format": "malariascope-session", "batch": "b1", "first": 0, "rows": 2},
            {"path": "x/broken.png", "sha256": "", "probability": None, "class_map": None,
             "image_shape": [0, 0], "error": "empty file (0 bytes)", "processed_at": "t",
             "whole_field": False, "cell_index": None, "box": None},
            {"path": "x/field.jpg", "sha256": "ab", "probability": 1, "class_map": {
                "dtype": "float32", "shape": [8, 8],
                "base64": base64.b64encode(class_map.tobytes()).decode()},
             "image_shape": [960, 1280], "error": "", "processed_at": "t", "whole_field": True,
             "cell_index": 3, "box": [10, 20, 30, 40]}]
    (folder / "rows-0000000.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n")
    session = {"reviews": {"1": PARASITIZED}, "rule": {"threshold": 0.3, "band": [0.1, 0.5],
                                                         "field_threshold": None},
               "default_threshold": 0.2, "model": "m 1", "model_sha256": "cd", "sample_id": "S",
               "operator": "O", "unsaved": True, "complete": False, "sources": ["x"],
               "saved_at": "2026-01-01T00:00:00+00:00"}
    (folder / "state.json").write_text(json.dumps({
        "format": "malariascope-session", "version": 1, "batch": "b1",
        "chunks": [["rows-0000000.jsonl", 2]], "session": session}))
    loaded = SessionStore(folder).load()
    assert loaded.facts == BatchFacts("m 1", "cd", "S", "O", CallRule(0.3, (0.1, 0.5)), 0.2,
                                      ("x",))
    assert loaded.decisions == [ReviewDecision(1, "O", "2026-01-01T00:00:00+00:00", PARASITIZED,
                                               PARASITIZED, PARASITIZED)]
    assert (loaded.reviewed, loaded.unsaved, loaded.complete) == (1, True, False)
    cell = loaded.results[1]
    assert cell.path == Path("x/field.jpg") and cell.probability == 1.0
    assert type(cell.probability) is float and cell.box == (10, 20, 30, 40)
    assert cell.class_map.dtype == np.float32 and np.array_equal(cell.class_map, class_map)
    assert not loaded.results[0].ok


def test_delete_and_set_aside(tmp_path, results, classifier):
    store = SessionStore(tmp_path / "s")
    assert store.load() is None
    write_legacy_session(tmp_path / "s", session_of(results, classifier))
    store.delete()
    assert store.load() is None and not list((tmp_path / "s").iterdir())
    write_legacy_session(tmp_path / "s", session_of(results, classifier))
    aside = store.set_aside()
    assert aside.parent == tmp_path and aside.name.startswith("s-unreadable-")
    assert (aside / "state.json").is_file() and store.load() is None


def _edit_state(folder: Path, edit) -> None:
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    edit(state)
    (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")


def _edit_row(folder: Path, edit) -> None:
    chunk = folder / "rows-0000000.jsonl"
    lines = chunk.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    edit(row)
    lines[1] = json.dumps(row)
    chunk.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGE = {  # what is done to a saved session -> a word of the message
    "truncated rows": (lambda f: _cut(f / "rows-0000000.jsonl", 0.6), "truncated"),
    "truncated state": (lambda f: _cut(f / "state.json", 0.5), "truncated"),
    "empty state": (lambda f: (f / "state.json").write_bytes(b""), "damaged"),
    "binary state": (lambda f: (f / "state.json").write_bytes(b"\xff\xfe\x00"), "damaged"),
    "missing rows": (lambda f: (f / "rows-0000000.jsonl").unlink(), "cannot read"),
    "other format": (lambda f: _edit_state(f, lambda s: s.update(format="x")), "not a"),
    "newer version": (lambda f: _edit_state(f, lambda s: s.update(version=3)), "version"),
    "escaping chunk": (lambda f: _edit_state(f, lambda s: s["chunks"][0].__setitem__(
        0, "../../etc/passwd")), "bad chunk"),
    "review of no row": (lambda f: _edit_state(f, lambda s: s["session"]["decisions"].append(
        decision(999, PARASITIZED).to_dict())), "row 999"),
    "unknown call": (lambda f: _edit_state(f, lambda s: s["session"]["decisions"].append(
        dict(decision(0, UNINFECTED).to_dict(), pressed="maybe"))), "unknown review"),
    "no reviewer": (lambda f: _edit_state(f, lambda s: s["session"]["decisions"].append(
        dict(decision(0, UNINFECTED).to_dict(), reviewer=""))), "reviewer"),
    "unknown field": (lambda f: _edit_row(f, lambda r: r.update(colour="red")), "colour"),
    "wrong type": (lambda f: _edit_row(f, lambda r: r.update(probability="high")),
                   "probability"),
    "pickled array": (lambda f: _edit_row(f, lambda r: r.update(class_map={
        "dtype": "object", "shape": [1], "base64": "gASVAAAAAAAAAACMAX+ULg=="})), "array"),
    "short array": (lambda f: _edit_row(f, lambda r: r.update(class_map={
        "dtype": "float32", "shape": [8, 8], "base64": "AAAAAA=="})), "damaged"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_session_raises_a_session_error_that_says_what(tmp_path, results, classifier,
                                                                damage):
    ok_first = [r for r in results if r.ok] + [r for r in results if not r.ok]
    write_legacy_session(tmp_path / "s", session_of(ok_first, classifier,
                                                    decisions=[decision(0, UNINFECTED)]))
    spoil, words = DAMAGE[damage]
    spoil(tmp_path / "s")
    with pytest.raises(SessionError, match=words):
        SessionStore(tmp_path / "s").load()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_damage_gives_a_session_or_a_session_error(tmp_path_factory, results, classifier,
                                                          data):
    folder = tmp_path_factory.mktemp("fuzz")
    write_legacy_session(folder, session_of(results, classifier))
    path = folder / data.draw(st.sampled_from(["state.json", "rows-0000000.jsonl"]))
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    path.write_bytes(bytes(raw[: data.draw(st.integers(0, len(raw)))]))
    try:
        loaded = SessionStore(folder).load()
    except SessionError as exc:
        assert str(exc)
    else:
        assert loaded is None or len(loaded.results) == len(results)
