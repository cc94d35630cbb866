"""What the command line refuses before it writes an output: an output that is an input (the
images, the model's own files), one another run writes, one that cannot be written, and - in
place of a file name."""

from __future__ import annotations

import shutil

import pytest

from tests.command_line import cli
from tests.core.test_adapt_blend import hand_adapted
from tests.core.test_adapt_model import other_base
from tests.images import make_cell_folder


def test_an_output_that_is_an_input_is_refused_even_with_overwrite(tmp_path, capsys):
    """--csv naming an input image turned it into a CSV, and --json in the fields folder a
    field into JSON; adapt's model files could replace its annotations."""
    cells = make_cell_folder(tmp_path / "cells", 2)
    annotations = tmp_path / "lab" / "README.md"
    annotations.parent.mkdir()
    annotations.write_text("[]", encoding="utf-8")
    before = {path: path.read_bytes() for path in [*cells, annotations]}
    refused = [
        (("classify", cells[0], "--csv", cells[0]), "is an input file"),
        (("classify", tmp_path / "cells", "--csv", cells[1]), "is an image name in the input"),
        (("evaluate", tmp_path, "--json", cells[0]), "is an image name in the input"),
        (("evaluate-fields", tmp_path / "cells", "--annotations", annotations,
          "--json", cells[1]), "is an image name in the input"),
        (("adapt", tmp_path / "cells", "--annotations", annotations,
          "--out", annotations.parent), "is an input file"),
    ]
    for args, words in refused:
        result = cli(capsys, *args, "--overwrite")
        assert result.code == 2 and words in result.err, (args, result.err)
        assert result.err.count("\n") == 1
    assert {path: path.read_bytes() for path in before} == before


@pytest.mark.parametrize("command, option, name, what", [
    ("evaluate", "--json", "model-card.json", "the figures"),
    ("evaluate", "--json", "malariascope-cnn.onnx", "the figures"),
    ("evaluate-fields", "--json", "model-card.json", "the figures"),
    ("classify", "--csv", "model-card.json", "the report"),
    ("classify", "--pdf", "malariascope-cnn.keras", "the PDF report"),
])
def test_an_output_over_the_models_own_files_is_refused_even_with_overwrite(
        tmp_path, capsys, command, option, name, what):
    """With --overwrite, `evaluate --json`, `evaluate-fields --json`, `classify --csv` and
    `--pdf` replaced the card or a model file of the --model they ran with: a lab's model,
    perhaps its only copy, became a report."""
    from malariascope.core.modelfiles import bundled_dir

    model = shutil.copytree(bundled_dir(), tmp_path / "model")
    for label in ("parasitized", "uninfected"):
        make_cell_folder(tmp_path / "data" / label, 2)
    before = {path: path.read_bytes() for path in model.iterdir()}
    extra = {"evaluate-fields": ["--annotations", tmp_path / "a.json"],
             "classify": ["--csv", tmp_path / "r.csv"] if option == "--pdf" else []}
    target = model / name
    result = cli(capsys, command, tmp_path / "data", *extra.get(command, []), option, target,
                 "--model", model / "malariascope-cnn.onnx", "--overwrite")
    shown = f"{option} {target}" if option != "--csv" else str(target)
    assert (result.code, result.err) == (2, f"malariascope: error: {shown} is an input file "
                                            f"({target}): name another file for {what}\n")
    assert {path: path.read_bytes() for path in model.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "model"]


@pytest.mark.parametrize("base", ["its own", "a copy of the bundled one"])
def test_an_output_over_an_adapted_models_base_is_refused_even_with_overwrite(tmp_path, capsys,
                                                                              base):
    """With an adapted --model, the base model's card (read when the adapted card loads) and
    the base's ONNX file in the folder beside it were not among the inputs: --overwrite
    replaced them with a report. A copy of the bundled model beside it is a place the base is
    looked for too, and is kept alike."""
    from malariascope.core.modelfiles import bundled_dir

    folder = tmp_path / "base"
    if base == "its own":
        other_base(folder)
    else:
        shutil.copytree(bundled_dir(), folder)
    model = hand_adapted(tmp_path / "lab", base_model=folder if base == "its own" else None)
    for label in ("parasitized", "uninfected"):
        make_cell_folder(tmp_path / "data" / label, 2)
    before = {path: path.read_bytes() for path in [*folder.iterdir(), *model.iterdir()]}
    for name in ("model-card.json", "malariascope-cnn.onnx"):
        target = folder / name
        for command, option, what, extra in [
                ("classify", "--csv", "the report", []),
                ("classify", "--pdf", "the PDF report", ["--csv", tmp_path / "r.csv"]),
                ("evaluate", "--json", "the figures", []),
                ("evaluate-fields", "--json", "the figures", ["--annotations", tmp_path / "a"])]:
            result = cli(capsys, command, tmp_path / "data", *extra, option, target,
                         "--model", model, "--overwrite")
            shown = f"{option} {target}" if option != "--csv" else str(target)
            assert (result.code, result.err) == (
                2, f"malariascope: error: {shown} is an input file ({target}): name another "
                   f"file for {what}\n"), (command, option, name)
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["base", "data", "lab"]


def test_an_input_image_named_as_the_report_is_told_as_an_input_with_its_folder_given_too(
        tmp_path, capsys):
    """`classify D D/cell.png --csv D/cell.png` was told "an image name in the input folder
    D", the folder's wording, though the file named is itself an input."""
    cells = make_cell_folder(tmp_path / "cells", 1)
    result = cli(capsys, "classify", tmp_path / "cells", cells[0], "--csv", cells[0],
                 "--overwrite")
    assert (result.code, result.err) == (2, (
        f"malariascope: error: {cells[0]} is an input file ({cells[0]}): name another file "
        "for the report\n"))


def test_another_run_writing_the_report_is_told_before_screening(tmp_path, capsys):
    """Two batches to one --csv at once both exited 0 and one batch was lost."""
    from malariascope.core.facts import BatchFacts
    from malariascope.core.report import ReportWriter

    make_cell_folder(tmp_path / "cells", 1)
    (tmp_path / "cells" / "broken.png").write_bytes(b"")
    report = tmp_path / "report.csv"
    other = ReportWriter(report, BatchFacts())
    try:
        result = cli(capsys, "classify", tmp_path / "cells", "--csv", report, "--overwrite")
    finally:
        other.discard()
    assert result.code == 2
    assert result.err == (f"malariascope: error: another MalariaScope run is writing {report} "
                          "now; wait for it to finish or choose another name\n")


def test_a_report_name_too_long_for_its_summary_is_refused_before_screening(tmp_path, capsys):
    """Found only after the whole batch, when the summary could not be made; a name that
    fits with its summary works, though a temporary name made from it would not."""
    make_cell_folder(tmp_path / "cells", 1)
    (tmp_path / "cells" / "broken.png").write_bytes(b"")  # a line on stderr once screened
    too_long = tmp_path / ("r" * 246 + ".csv")  # 250 bytes; its summary's name 258
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", too_long)
    assert result.code == 2 and result.err.count("\n") == 1
    assert f"{too_long.stem}_summary.csv, is too long for a file in {tmp_path}" in result.err
    fits = tmp_path / ("r" * 243 + ".csv")  # the summary's name is 255 bytes
    result = cli(capsys, "classify", tmp_path / "cells", "--csv", fits)
    assert result.code == 1 and "broken.png" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["cells", fits.name, f"{fits.stem}_summary.csv"])


def test_a_json_in_a_read_only_folder_is_refused_before_the_work(tmp_path, capsys):
    from tests.faults import read_only

    make_cell_folder(tmp_path / "data" / "parasitized", 2)
    make_cell_folder(tmp_path / "data" / "uninfected", 2)
    out = tmp_path / "figures" / "m.json"
    out.parent.mkdir()
    with read_only(out):
        result = cli(capsys, "evaluate", tmp_path / "data", "--json", out)
    assert result.code == 2 and "read-only" in result.err and str(out) in result.err
    assert result.out == ""  # nothing evaluated


def test_a_pipe_or_link_at_an_output_is_kept_even_with_overwrite(tmp_path, capsys):
    """--overwrite renamed a report onto a FIFO or a symbolic link (as root, onto /dev/full),
    replacing it by a regular file; the same for the summary, the PDF and --json."""
    import os
    import stat

    make_cell_folder(tmp_path / "data" / "parasitized", 2)
    make_cell_folder(tmp_path / "data" / "uninfected", 2)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "pipe.csv")
    os.mkfifo(out / "r_summary.csv")
    (out / "target.csv").write_text("keep me", encoding="utf-8")
    (out / "link.csv").symlink_to("target.csv")
    cells = tmp_path / "data" / "parasitized"
    refused = [
        (("classify", cells, "--csv", out / "pipe.csv"), "pipe.csv is not a regular file"),
        (("classify", cells, "--csv", out / "link.csv"), "link.csv is a symbolic link"),
        (("classify", cells, "--csv", out / "r.csv"), "r_summary.csv is not a regular file"),
        (("classify", cells, "--csv", out / "new.csv", "--pdf", out / "link.csv"),
         "link.csv is a symbolic link: name a file for the PDF report"),
        (("evaluate", tmp_path / "data", "--json", out / "pipe.csv"), "is not a regular file"),
    ]
    for args, words in refused:
        result = cli(capsys, *args, "--overwrite")
        assert result.code == 2 and words in result.err, (args, result.err)
        assert result.err.count("\n") == 1 and result.out == ""
    assert stat.S_ISFIFO((out / "pipe.csv").lstat().st_mode)
    assert stat.S_ISFIFO((out / "r_summary.csv").lstat().st_mode)
    assert (out / "link.csv").is_symlink()
    assert (out / "target.csv").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["link.csv", "pipe.csv", "r_summary.csv",
                                                     "target.csv"]


@pytest.mark.parametrize("option", [["--csv", "-"], ["--csv", "out.csv", "--pdf", "-"],
                                    ["--csv", "out.csv", "--json", "-"]])
def test_an_output_named_dash_is_refused_not_written_as_a_file_named_dash(
        tmp_path, capsys, monkeypatch, option):
    """'classify --csv -' wrote the report and its summary as files named '-' and
    '-_summary.csv' where it ran, where a reader expecting standard output found nothing."""
    make_cell_folder(tmp_path / "cells", 2)
    monkeypatch.chdir(tmp_path)
    command = ["evaluate", "cells", "--json", "-"] if "--json" in option else [
        "classify", "cells", *option]
    result = cli(capsys, *command)
    assert (result.code, result.out) == (2, "")
    assert "- would be a file named '-', not standard output" in result.err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells"]
