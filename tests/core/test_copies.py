"""Copies of image files left out by content (``core.copies``), over the real pipeline."""

from __future__ import annotations

import shutil
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor

import pytest

from malariascope.core.copies import LEFT_OUT, Copies, Turn
from malariascope.core.pipeline import screen, whole_files
from malariascope.core.rescreened import superseded
from tests.decodes import count_decodes


def test_copies_of_a_file_seen_before_are_left_out_and_broken_files_kept(
        tmp_path, classifier, real_cells):
    first, second = real_cells["parasitized"][0], real_cells["uninfected"][0]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    paths = [shutil.copy(first, tmp_path / "a" / "one.png"),
             shutil.copy(second, tmp_path / "a" / "two.png"),
             shutil.copy(first, tmp_path / "b" / "one.png"),
             shutil.copy(first, tmp_path / "b" / "three.png")]
    for name in ("broken.png", "broken_too.png"):
        (tmp_path / "b" / name).write_bytes(b"not a picture")
        paths.append(tmp_path / "b" / name)
    copies = Copies()
    kept = [results for results in whole_files(screen(paths, classifier))
            if not copies.is_copy(results)]
    assert [results[0].path.name for results in kept] == [
        "one.png", "two.png", "broken.png", "broken_too.png"]
    assert copies.left_out == 2
    assert copies.words() == ("2 files identical to other files of the case left out: "
                              "b/one.png is a copy of a/one.png")


def test_copies_of_the_files_held_are_left_out(tmp_path, classifier, real_cells):
    cell = real_cells["parasitized"][0]
    held = list(screen([cell], classifier))
    copies = Copies(held)
    copy = shutil.copy(cell, tmp_path / "copy.png")
    assert copies.is_copy(list(screen([copy], classifier)))
    assert not Copies().words() and copies.named == [(copy, cell)]


def test_copies_given_to_the_pipeline_are_known_by_their_bytes_and_never_decoded(
        tmp_path, classifier, real_cells, monkeypatch):
    """Copies were read, decoded and screened, then left out: a folder of copies took the
    time of its originals."""
    cells = real_cells["parasitized"][:6] + real_cells["uninfected"][:6]
    paths = []
    for number, cell in enumerate(cells):  # each copy read beside its original, or after it
        paths += [shutil.copy(cell, tmp_path / f"{number:02}.png"),
                  shutil.copy(cell, tmp_path / f"{number:02}_copy.png")]
    paths += [shutil.copy(cell, tmp_path / f"late_{cell.name}") for cell in cells]
    for name in ("broken.png", "broken_too.png"):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(b"not a picture")
    decoded = count_decodes(monkeypatch)
    copies = Copies()
    kept = [results for results in whole_files(screen(paths, classifier, copies=copies))
            if not copies.is_copy(results)]
    assert [results[0].path for results in kept] == paths[:24:2] + paths[-2:]
    assert all(results[0].probability is not None for results in kept[:-2])
    assert copies.left_out == 24 and len(decoded) == 12 + 2  # copies of broken files too


def test_a_copy_known_by_its_bytes_says_so_to_a_reader_that_keeps_it(tmp_path, classifier,
                                                                      real_cells):
    """A copy left out before decoding came back as a good result with no score: a reader
    not leaving it out (only ``Copies.is_copy`` told it apart) crashed on the missing score
    or wrote a cell row without a call."""
    cell = real_cells["parasitized"][0]
    paths = [shutil.copy(cell, tmp_path / "one.png"), shutil.copy(cell, tmp_path / "two.png")]
    original, copy = list(screen(paths, classifier, copies=Copies()))
    assert original.ok and original.probability is not None
    assert not copy.ok and copy.error == LEFT_OUT and copy.sha256 == original.sha256


def test_a_copy_of_a_file_held_is_not_decoded(tmp_path, classifier, real_cells, monkeypatch):
    cell = real_cells["parasitized"][0]
    copies = Copies(screen([cell], classifier))
    decoded = count_decodes(monkeypatch)
    copy = shutil.copy(cell, tmp_path / "copy.png")
    assert all(map(copies.is_copy, whole_files(screen([copy], classifier, copies=copies))))
    assert not decoded and copies.named == [(copy, cell)]


def test_a_file_read_before_the_one_ahead_of_it_waits_and_is_known_as_its_copy():
    """Loader threads read files in any order: the file screened is the first in order, one
    after it waits for its outcome, and a copy of a file that could not be screened is
    screened itself."""
    reads = Copies().reads()
    first, second, third, fourth = (reads.turn() for _ in range(4))

    def screened(turn: Turn, sha256: str, ok: bool = True) -> bool:
        with turn.screening(sha256) as record:
            if record is not None:
                record.ok = ok
            return record is not None

    with ThreadPoolExecutor(max_workers=1) as pool:
        read_first = pool.submit(screened, second, "aa")
        with pytest.raises(futures.TimeoutError):
            read_first.result(timeout=0.2)  # it waits for the file before it
        assert screened(first, "aa")
        assert read_first.result(timeout=10) is False
    assert screened(third, "bb", ok=False) and screened(fourth, "bb")


def test_a_file_of_the_case_that_could_not_be_read_is_not_held_once_replaced(
        tmp_path, classifier, real_cells):
    """Its row kept it out as a file of the case when opened again, replaced or not."""
    good = shutil.copy(real_cells["uninfected"][0], tmp_path / "good.png")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    held = list(screen([good, broken], classifier))
    assert Copies(held).unread == {broken}
    shutil.copy(real_cells["parasitized"][0], broken)
    again = list(screen([broken], classifier))
    assert again[0].ok and superseded([*held, *again]) == {1}
    assert Copies([*held, *again]).unread == set()


def test_a_record_taken_as_a_copy_is_placed_counts_it_in_both_or_neither(
        tmp_path, classifier, real_cells):
    """The window records the copies with each chunk while the screening places them: a
    record taken between a copy's count and its place counted it, but named it nowhere, so
    a search again left it counted once too often (after a Cancel, no later chunk mended
    it). Here the record is taken as the first copy of a folder is placed."""
    cell = real_cells["parasitized"][0]
    (tmp_path / "b").mkdir()
    paths = [shutil.copy(cell, tmp_path / "one.png"), shutil.copy(cell, tmp_path / "b" / "x.png")]
    copies, records = Copies(), []

    def counted_at(folder: str) -> bool:
        records.append(copies.record())  # as the window asks for one meanwhile
        return False

    copies.counted_at = counted_at
    for results in whole_files(screen(paths, classifier)):
        copies.is_copy(results)
    (during,) = records
    assert during.count == sum(len(names) for _, names in during.in_folders)
    after = copies.record()
    assert after.count == 1 and after.in_folders == ((str(tmp_path / "b"), ("x.png",)),)
