"""A batch given to ``classify`` is one slide: its summary, its PDF, and its bad inputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scipy.stats import binomtest

from tests.command_line import cli
from tests.conftest import SHARED_DATA
from tests.images import make_cell_folder, write_field
from tests.reports import read_pdf, read_rows, read_summary

REAL_FIELD = SHARED_DATA / "fields" / "PA171693.JPG"  # 114 cells found
ROOT = Path(__file__).resolve().parents[1]


def wilson_percent(successes: int, trials: int) -> tuple[str, str]:
    """SciPy's 95 % Wilson interval in percent, as the summary writes it."""
    interval = binomtest(successes, trials).proportion_ci(0.95, method="wilson")
    return f"{100 * interval.low:.2f}", f"{100 * interval.high:.2f}"


def test_a_field_counted_to_its_target_gives_interval_and_density(tmp_path, capsys):
    if not REAL_FIELD.is_file():
        pytest.skip(f"real field not found at {REAL_FIELD} (../shared/data beside the project)")
    out = tmp_path / "slide.csv"
    run = cli(capsys, "classify", REAL_FIELD, "--csv", out, "--target-cells", "100",
              "--rbc-per-ul", "4.5e6", "--patient-id", " P-00917 ", "--sample-id", "S-7")
    assert run.code == 0, run.err
    summary, _ = read_summary(tmp_path / "slide_summary.csv")
    found, parasitized = int(summary["classified"]), int(summary["parasitized"])
    assert found >= 100 and parasitized > 0 and summary["amendments"] == ""  # no case
    assert list(summary)[-30:-7] == ["parasitemia_ci_low", "parasitemia_ci_high", "cells_target",
                                   "target_reached", "parasites_per_ul", "patient_id", "threshold",
                                   "field_threshold", "complete", "images_not_screened", "run_id",
                                   "healthy_shift_mad", "uncertain_fraction", "looks_unlike",
                                   "unlike_warning", "stain", "lab", "copies_left_out",
                                   "copies_left_out_names", "signed_by", "signed_at",
                                   "flagged_not_reviewed", "marked_unsure"]
    # a field whose healthy cells score near the model's own: a negative shift, a plain figure
    assert float(summary["healthy_shift_mad"]) < 0 and summary["looks_unlike"] == "false"
    assert summary["unlike_warning"] == "" and "looks unlike" not in run.err
    assert (summary["parasitemia_ci_low"], summary["parasitemia_ci_high"]) == wilson_percent(
        parasitized, found)
    assert (summary["cells_target"], summary["target_reached"]) == ("100", "true")
    assert summary["parasites_per_ul"] == str(int(float(f"{4.5e6 * parasitized / found:.3g}")))
    assert summary["patient_id"] == "P-00917" and summary["sample_id"] == "S-7"


def test_the_default_target_and_no_red_cell_count_are_said_not_assumed(tmp_path, capsys,
                                                                     real_cells):
    out = tmp_path / "r.csv"
    assert cli(capsys, "classify", *real_cells["parasitized"][:3], "--csv", out).code == 0
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert (summary["cells_target"], summary["target_reached"]) == ("2000", "false")
    assert (summary["parasites_per_ul"], summary["patient_id"]) == ("", "")
    assert (summary["stain"], summary["lab"]) == ("", "")  # not stated: never a default
    assert (summary["parasitemia_ci_low"], summary["parasitemia_ci_high"]) == wilson_percent(
        int(summary["parasitized"]), 3)



def test_stain_and_lab_are_kept_in_the_summary_also_without_a_pdf(tmp_path, capsys, real_cells):
    out = tmp_path / "r.csv"
    run = cli(capsys, "classify", *real_cells["uninfected"][:2], "--csv", out, "--stain",
              "Field's", "--lab", "=Central Lab, Kisumu")
    assert run.code == 0, run.err
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert (summary["stain"], summary["lab"]) == ("Field's", "'=Central Lab, Kisumu")

def test_the_pdf_is_written_without_a_display_and_holds_the_slide(tmp_path, real_cells):
    cells = [*real_cells["parasitized"], *real_cells["uninfected"]]
    report, pdf = tmp_path / "r.csv", tmp_path / "slide.pdf"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", *map(str, cells), "--csv",
         str(report), "--pdf", str(pdf), "--sample-id", "S-2026-0412", "--operator",
         "Ann Lee", "--patient-id", "P-00917", "--stain", "Field's", "--lab",
         "Central Lab, Kisumu"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"PDF report {pdf}"
    rows = read_rows(report)
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    parasitized = sum(row["final_call"] == "parasitized" for row in rows)
    uncertain = sum(row["final_call"] == "uninfected" and row["uncertain"] == "true"
                    for row in rows)
    assert parasitized > 0
    _, text, images = read_pdf(pdf)
    assert images == parasitized + uncertain  # one picture a flagged cell
    for words in ("Slide (sample) id S-2026-0412", "Microscopist Ann Lee", "Patient id P-00917",
                  f"Parasitemia {summary['percent_parasitized']} % (95 % CI",
                  f"{len(rows)} of a target of 2,000: target not reached",
                  f"Parasitized cells ({parasitized}, highest probability first)",
                  summary["model_sha256"][:12], "NOT SIGNED: preliminary result",
                  "Stain Field's", "Central Lab, Kisumu"):
        assert words in text, words
    assert sorted(path.name for path in tmp_path.iterdir()) == [  # no temporary file left
        "r.csv", "r_summary.csv", "slide.pdf"]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX locale")
def test_a_pdf_written_in_the_c_locale_gets_no_qt_warning_and_keeps_names_whole(
        tmp_path, real_cells):
    """Under LC_ALL=C (a container, a cron job) Qt told on stderr, in four lines among the
    command's own, that it had switched the locale to C.UTF-8."""
    cells = [real_cells["parasitized"][0], real_cells["uninfected"][0]]
    report, pdf = tmp_path / "r.csv", tmp_path / "slide.pdf"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LANG", "LANGUAGE")
           and not key.startswith("LC_")}
    done = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", *map(str, cells), "--csv",
         str(report), "--pdf", str(pdf), "--sample-id", "Ñ-12", "--patient-id", "Łukasz 李"],
        cwd=ROOT, env={**env, "LC_ALL": "C"}, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()  # its totals and the files written; stderr has none
    assert (done.stderr, len(lines)) == ("", 2) and lines[0].startswith("2 images: 2 cells")
    assert lines[1] == f"PDF report {pdf}"
    _, text, _ = read_pdf(pdf)
    assert "Slide (sample) id Ñ-12" in text and "Patient id Łukasz 李" in text, text


def test_only_the_qt_warning_of_a_locale_switched_to_utf8_is_kept_quiet():
    """Qt's warning that it failed to find a UTF-8 locale (names in the PDF may then be
    lost) was dropped as well: the filter looked for a wording Qt never prints."""
    from malariascope.qt_locale import switched_to_utf8

    detected = 'Detected locale "C" with character encoding "ANSI_X3.4-1968", which is not UTF-8.'
    assert switched_to_utf8(f'{detected}\nQt depends on a UTF-8 locale, and has switched to '
                            '"C.UTF-8" instead.\nIf this causes problems, reconfigure your '
                            'locale. See the locale(1) manual for more information.')
    assert not switched_to_utf8(f"{detected}\nQt depends on a UTF-8 locale, but has failed to "
                                "switch to one.\nIf this causes problems, reconfigure your "
                                "locale. See the locale(1) manual for more information.")
    assert not switched_to_utf8("QFont::setPointSizeF: Point size <= 0 (0.000000)")


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_a_pdf_never_states_a_stain_or_lab_nobody_gave(tmp_path, capsys):
    cells = make_cell_folder(tmp_path / "cells", 2)
    pdf = tmp_path / "slide.pdf"
    run = cli(capsys, "classify", *cells, "--csv", tmp_path / "r.csv", "--pdf", pdf)
    assert run.code == 0, run.err
    _, text, _ = read_pdf(pdf)
    assert text.startswith("Laboratory not stated") and "Stain not stated" in text
    assert "Giemsa" not in text


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_the_summary_and_pdf_name_the_copies_left_out_and_the_files_without_a_call(
        tmp_path, capsys):
    """The copies left out were told on stderr only, and the PDF counted the unreadable
    files without naming one, nor said how many cells were uncertain."""
    cells = make_cell_folder(tmp_path / "smear", 3)
    for path in cells:
        shutil.copy(path, tmp_path / "smear" / f"zz_copy_{path.name}")
    (tmp_path / "smear" / "broken.png").write_bytes(b"")
    pdf, out = tmp_path / "slide.pdf", tmp_path / "r.csv"
    run = cli(capsys, "classify", tmp_path / "smear", "--csv", out, "--pdf", pdf)
    assert run.code == 1, run.err  # the broken file
    summary, _ = read_summary(tmp_path / "r_summary.csv")
    assert summary["copies_left_out"] == "3"
    assert summary["copies_left_out_names"].startswith("smear/zz_copy_cell_0.png (copy of "
                                                       "smear/cell_0.png), smear/zz_copy_")
    text = " ".join(read_pdf(pdf)[1].split())
    assert "3 files were left out as identical copies of files screened: smear/zz_copy_" in text
    assert f"Uncertain cells: {summary['uncertain']}" in text
    assert "files without a call: 1 (1 unreadable; broken.png)" in text


@pytest.mark.usefixtures("qapp")  # printing in this process uses the running application
def test_the_pdf_lists_the_whole_fields_as_the_summary_counts_them(tmp_path, capsys):
    smear = tmp_path / "smear"
    (smear / "day 2").mkdir(parents=True)
    write_field(smear / "field-a.png")
    write_field(smear / "day 2" / "field-b.png", seed=1)
    pdf = tmp_path / "slide.pdf"
    run = cli(capsys, "classify", smear, "--csv", tmp_path / "r.csv", "--pdf", pdf)
    assert run.code == 0, run.err
    _, fields = read_summary(tmp_path / "r_summary.csv")
    text = " ".join(read_pdf(pdf)[1].split())
    assert "Whole fields (2) Field Cells counted Parasitized Uncertain Parasitemia %" in text
    for name in ("field-a.png", "day 2/field-b.png"):
        field = fields[str(smear / name)]
        assert (f"{name} {field['cells']} {field['parasitized']} {field['uncertain']} "
                f"{field['percent_parasitized']}") in text


ARGPARSE = [(["--stain", "Wright"], "--stain: invalid choice: 'Wright'"),
            (["--target-cells", "99"], "--target-cells: must be a whole number from 100 to "
             "20000, got '99'"),
            (["--target-cells", "20001"], "--target-cells: must be a whole number"),
            (["--target-cells", "2.5"], "--target-cells: must be a whole number"),
            (["--rbc-per-ul", "five million"], "--rbc-per-ul: must be a number from 100000 to "
             "10000000, got 'five million'"),
            (["--rbc-per-ul", "nan"], "--rbc-per-ul: must be a number")]


@pytest.mark.parametrize("options, words", ARGPARSE)
def test_a_target_red_cell_count_or_stain_that_cannot_be_is_refused_before_screening(
        tmp_path, capsys, options, words):
    make_cell_folder(tmp_path / "cells", 2)
    run = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
              "--gradcam", tmp_path / "cam", *options)
    assert run.code == 2 and words in run.err.splitlines()[-1]
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "cam").exists()


def _bad_places(tmp_path: Path) -> list[tuple[list[str], str]]:
    """``--pdf`` places refused, each with the one line that says so."""
    folder, kept, cell = tmp_path / "reports", tmp_path / "old.pdf", tmp_path / "cells/cell_0.png"
    folder.mkdir()
    kept.write_bytes(b"the lab's own file")
    report, summary = tmp_path / "r.csv", tmp_path / "r_summary.csv"
    return [
        ([f"--pdf={folder}"], f"{folder} is a folder: name a file for the PDF report"),
        ([f"--pdf={kept}"], f"{kept} exists; choose another name or pass --overwrite"),
        ([f"--pdf={cell}", "--overwrite"], f"--pdf {cell} is an input file ({cell})"),
        ([f"--pdf={report}", "--overwrite"], f"--pdf {report} is the --csv report"),
        ([f"--pdf={summary}", "--overwrite"], f"--pdf {summary} is the report's summary"),
        ([f"--pdf={tmp_path / 'cam'}"], f"--pdf {tmp_path / 'cam'} is the --gradcam folder"),
        (["--patient-id", "P-1\nP-2", f"--pdf={tmp_path / 'new.pdf'}"],
         "patient id holds a control character"),
        (["--lab", "Lab\nWard 3", f"--pdf={tmp_path / 'new.pdf'}"],
         "laboratory holds a control character"),
    ]


def test_a_pdf_place_that_cannot_be_is_refused_in_one_line_before_screening(tmp_path, capsys):
    cells = make_cell_folder(tmp_path / "cells", 2)
    for options, words in _bad_places(tmp_path):
        run = cli(capsys, "classify", cells[0], tmp_path / "cells", "--csv", tmp_path / "r.csv",
                  "--gradcam", tmp_path / "cam", *options)
        assert run.code == 2 and run.err.startswith("malariascope: error: "), options
        assert run.err.count("\n") == 1 and words in run.err, run.err
        assert not (tmp_path / "r.csv").exists() and not (tmp_path / "cam").exists()
    assert (tmp_path / "old.pdf").read_bytes() == b"the lab's own file"
    assert not (tmp_path / "new.pdf").exists()


@pytest.mark.parametrize(("option", "fact"), [("--patient-id", "patient id"),
                                              ("--sample-id", "slide (sample) id"),
                                              ("--operator", "microscopist"),
                                              ("--lab", "laboratory")])
def test_an_argument_with_a_direction_control_is_refused_in_one_line(tmp_path, capsys, option,
                                                                     fact):
    """`--patient-id "P\u202eevil"` screened the slide and kept the override in the report,
    its summary and the PDF, where the id reads "Plive" and the register matches neither."""
    make_cell_folder(tmp_path / "cells", 2)
    run = cli(capsys, "classify", tmp_path / "cells", "--csv", tmp_path / "r.csv",
              "--pdf", tmp_path / "r.pdf", option, "P\u202eevil")
    assert (run.code, run.err) == (
        2, f"malariascope: error: {fact} holds the invisible direction control U+202E, which "
           "shows the text around it out of order: type the text again rather than paste "
           "it\n")
    assert not (tmp_path / "r.csv").exists() and not (tmp_path / "r.pdf").exists()


def test_a_pdf_held_open_by_a_viewer_is_one_line_exit_1_and_the_report_stays(tmp_path,
                                                                             capsys):
    from tests.faults import locked

    cells = make_cell_folder(tmp_path / "cells", 4)
    pdf, out = tmp_path / "slide.pdf", tmp_path / "r.csv"
    pdf.write_bytes(b"the PDF on screen")
    with locked(pdf):
        run = cli(capsys, "classify", *cells, "--csv", out, "--pdf", pdf, "--overwrite")
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if "error:" in line]
    assert len(errors) == 1 and errors[0].startswith(f"malariascope: error: cannot write {pdf}")
    assert "open in another program" in errors[0]
    assert len(read_rows(out)) == 4 and pdf.read_bytes() == b"the PDF on screen"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "cells", "r.csv", "r_summary.csv", "slide.pdf"]


def test_a_field_unlike_the_models_cells_is_flagged_in_the_summary_stderr_and_pdf(tmp_path,
                                                                                capsys):
    field = SHARED_DATA / "fields" / "PA171702.JPG"  # healthy cells shifted by 2.6 MAD
    if not field.is_file():
        pytest.skip(f"real field not found at {field} (../shared/data beside the project)")
    run = cli(capsys, "classify", field, "--csv", tmp_path / "slide.csv", "--pdf",
              tmp_path / "slide.pdf")
    assert run.code == 0, run.err
    summary, _ = read_summary(tmp_path / "slide_summary.csv")
    assert summary["looks_unlike"] == "true" and float(summary["healthy_shift_mad"]) > 2
    assert summary["unlike_warning"].startswith("this smear looks unlike the cells")
    assert "looks unlike the cells this model learned from" in run.err
    text = read_pdf(tmp_path / "slide.pdf")[1]  # a limit of the printed result too
    limits = text[text.index("Limits of this result"):]
    assert limits.index("The cells look unlike those the model learned from (its healthy "
                        "cells score 2.") < limits.index("A screening aid, not a diagnosis")
