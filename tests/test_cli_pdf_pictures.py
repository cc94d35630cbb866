"""The pictures of ``classify --pdf``'s galleries, read back from the files screened: one
whose file no longer reads is said to be so, as the window's PDF says it."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from malariascope.cli.casepdf import Galleries
from malariascope.cli.overlays import Overlays
from malariascope.core.case import Case, CaseFacts
from malariascope.core.classifier import Classifier
from malariascope.core.names import GivenNames
from malariascope.core.pipeline import screen
from malariascope.core.tally import PARASITIZED, Counts
from malariascope.printing.content import CaseReport
from malariascope.printing.gallery import GALLERY_MAX
from malariascope.printing.pdf import write_case_pdf
from tests.reports import read_pdf

pytestmark = pytest.mark.usefixtures("qapp")


def test_pictures_whose_files_changed_after_screening_are_said_to_be_unreadable_not_bounded(
        tmp_path, capsys, real_cells):
    """A parasitized cell whose file no longer read when the gallery took its picture was
    counted among those the bound leaves out: "2 more not shown: these are the 1 with the
    highest probability", where the window says the files "could not be read"."""
    folder = tmp_path / "slide"
    folder.mkdir()
    cells = [shutil.copy(path, folder) for path in real_cells["parasitized"][:6]]
    classifier = Classifier.open()
    results = list(screen(cells, classifier))
    parasitized = [result for result in results
                   if classifier.rule.call(result.probability) == PARASITIZED]
    assert len(parasitized) >= 3
    for result in parasitized[:2]:  # changed on the disk since they were screened
        result.path.write_bytes(b"not an image any more")
    galleries = Galleries(classifier.rule, GivenNames([folder]))
    for result in results:
        galleries.add(result)
    gallery = galleries.gallery(True)
    assert (gallery.unreadable, gallery.left_out()) == (2, 0)
    case = Case(CaseFacts(sample_id="S-1"))
    report = CaseReport(case, case.result(Counts()), gallery)
    _, text, images = read_pdf(write_case_pdf(tmp_path / "r.pdf", report))
    assert images == len(parasitized) - 2
    assert (f"Parasitized cells ({len(parasitized)}, highest probability first)" in text
            and "2 not shown: their image files could not be read." in text)
    assert "more not shown" not in text
    lines = [line for line in capsys.readouterr().err.splitlines() if "no picture" in line]
    named = sorted(f"{GivenNames([folder])(result.path)}: no picture in the PDF"
                   for result in parasitized[:2])
    assert sorted(line.rsplit(": ", 1)[0] for line in lines) == named
    assert not any(str(tmp_path) in line for line in lines)  # named as the list names them


def test_an_overlay_whose_file_changed_after_screening_names_it_as_stderr_names_files(
        tmp_path, capsys, real_cells):
    """The Grad-CAM line for a file that no longer reads gave its whole path, where every
    other line of the command names a file as the report does."""
    folder = tmp_path / "slide"
    folder.mkdir()
    cell = shutil.copy(real_cells["parasitized"][0], folder)
    classifier = Classifier.open()
    (result,) = screen([cell], classifier)
    result.path.write_bytes(b"not an image any more")
    names = GivenNames([folder])
    overlays = Overlays(tmp_path / "overlays", classifier.rule, names)
    (tmp_path / "overlays").mkdir()
    overlays.write(result)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"{names(result.path)}: no Grad-CAM: ")
    assert str(tmp_path) not in line
    assert list((tmp_path / "overlays").iterdir()) == []


def test_a_picture_whose_file_now_holds_another_cell_is_not_printed_as_this_one(
        tmp_path, capsys, real_cells):
    """A file overwritten during the batch by another image that still reads was pictured as
    the cell screened, under its name and probability."""
    folder = tmp_path / "slide"
    folder.mkdir()
    cells = [shutil.copy(path, folder) for path in real_cells["parasitized"][:6]]
    classifier = Classifier.open()
    results = list(screen(cells, classifier))
    flagged = [result for result in results if classifier.rule.suspect(result.probability)]
    shutil.copy(real_cells["uninfected"][0], flagged[0].path)  # a new picture, the old name
    galleries = Galleries(classifier.rule, GivenNames([folder]))
    for result in results:
        galleries.add(result)
    parasitized = classifier.rule.call(flagged[0].probability) == PARASITIZED
    gallery = galleries.gallery(parasitized)
    assert gallery.unreadable == 1 and len(gallery.cells) == gallery.total - 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("no picture in the PDF: the file has changed since it was screened")


def test_a_gallery_keeps_only_the_cells_it_may_print_as_a_batch_streams(tmp_path, real_cells):
    """Every flagged result was kept until the end of the batch; the gallery prints at most
    GALLERY_MAX, the most probable first (the first screened first among equals)."""
    cell = real_cells["parasitized"][0]
    classifier = Classifier.open()
    (screened,) = screen([cell], classifier)
    galleries = Galleries(classifier.rule, GivenNames([cell.parent]))
    probabilities = [0.99 - (i % 97) / 1000 for i in range(5 * GALLERY_MAX)]
    for i, p in enumerate(probabilities):
        galleries.add(replace(screened, probability=p, cell_index=i + 1))
    assert max(map(len, galleries._flagged.values())) < 2 * GALLERY_MAX
    gallery = galleries.gallery(True)
    assert gallery.total == len(probabilities) and gallery.left_out() == len(
        probabilities) - GALLERY_MAX
    best = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])[:GALLERY_MAX]
    assert sorted(int(c.label.rsplit("#", 1)[1]) for c in gallery.cells) == sorted(
        i + 1 for i in best)
