"""What the command line refuses before any work: training settings that cannot train, a
missing exporter, outputs that are inputs, reports another run writes or that cannot be
written."""

from __future__ import annotations

import shutil

import pytest

from tests.command_line import cli, run_without
from tests.images import make_cell_folder


@pytest.mark.parametrize("option, value", [("--epochs", "0"), ("--epochs", "1.5"),
                                           ("--input-size", "7"), ("--input-size", "4096"),
                                           ("--seed", "-1"), ("--seed", str(2**32)),
                                           ("--seed", "9" * 400),
                                           ("--learning-rate", "-1e-3"),
                                           ("--learning-rate", "nan")])
def test_training_settings_that_cannot_train_are_usage_errors(tmp_path, capsys, option, value):
    """Each would reach Keras after every cell was decoded, or train a model the app refuses."""
    result = cli(capsys, "train", tmp_path, "--out", tmp_path / "out", f"{option}={value}")
    assert result.code == 2
    assert f"argument {option}: must be " in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [("classify", "--threshold", "1.5"),
                                  ("classify", "--rbc-per-ul", "-5"), ("classfy",)])
def test_a_wrong_argument_is_one_line_naming_help(tmp_path, capsys, args):
    """argparse printed the whole usage, ten lines, before the line saying what was wrong."""
    (cell,) = make_cell_folder(tmp_path, 1)
    result = cli(capsys, *args, "--csv", tmp_path / "r.csv", cell)
    assert result.code == 2 and not result.out and result.err.count("\n") == 1
    assert result.err.startswith("malariascope") and ": error: " in result.err
    assert result.err.endswith(" --help)\n") and not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("radius", ["2", "7.9"])
def test_a_cell_radius_too_small_for_a_cell_is_refused_before_the_fields(tmp_path, capsys,
                                                                         radius):
    """--cell-radius 2 was taken: one 1280x960 field then took over five minutes to
    segment (1 s at the estimated radius), the whole IML set days."""
    (tmp_path / "fields").mkdir()
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    result = cli(capsys, "evaluate-fields", tmp_path / "fields", "--annotations",
                 tmp_path / "a.json", "--cell-radius", radius)
    assert result.code == 2
    assert "argument --cell-radius: must be a number of at least 8" in result.err


@pytest.mark.parametrize("value", ["1e-6", "0.99999999", "0.12345"])
def test_a_threshold_finer_than_the_report_keeps_is_refused(tmp_path, capsys, value):
    """--threshold=1e-6 screened at that threshold while the report and its summary said
    0.0000, a value the option itself refuses."""
    (cell,) = make_cell_folder(tmp_path, 1)
    result = cli(capsys, "classify", cell, "--csv", tmp_path / "r.csv", f"--threshold={value}")
    assert result.code == 2
    assert f"argument --threshold: must have at most 4 decimals, as the report keeps its " \
           f"threshold, got '{value}'" in result.err
    assert not (tmp_path / "r.csv").exists()


def test_train_names_its_overwrite_flag(tmp_path, capsys):
    """The core's words become the CLI's: a model in --out is kept unless --overwrite."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "model-card.json").write_text("{}")
    pytest.importorskip("tensorflow", reason="training needs the [train] extra")
    result = cli(capsys, "train", tmp_path, "--out", tmp_path / "out")
    assert result.code == 2
    assert result.err == (
        f"malariascope: error: {tmp_path / 'out'} already holds model-card.json; choose another "
        "folder or pass --overwrite\n"
    )


@pytest.mark.parametrize("module", ["tf2onnx", "onnx"])
def test_train_without_the_onnx_exporter_says_so_before_training(tmp_path, module):
    """Keras imports these only to write the model, after the whole training."""
    pytest.importorskip("tensorflow", reason="training needs the [train] extra")
    result = run_without(module, "train", tmp_path, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"'train' needs the module '{module}', which is not installed here; "
        "install with: pip install 'malariascope[train]'\n")
    assert not (tmp_path / "out").exists()


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


@pytest.mark.parametrize("args", [
    ["classify", "", "--csv", "out/r.csv"], ["classify", "cells", "--csv", ""],
    ["classify", "cells", "--csv", "out/r.csv", "--gradcam", ""],
    ["classify", "cells", "--csv", "out/r.csv", "--pdf="],
    ["classify", "cells", "--csv", "out/r.csv", "--model", ""],
    ["evaluate", ""], ["evaluate", "cells", "--json", ""],
    ["evaluate-fields", "", "--annotations", "a.json"],
    ["evaluate-fields", "cells", "--annotations", ""],
    ["split", "", "--out", "out"], ["train", "", "--out", "out"], ["train", "cells", "--out="],
    ["adapt", "", "--out", "out"], ["cases", "export", ""], ["gui", ""],
])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path, capsys, monkeypatch,
                                                                args):
    """``classify "" --csv r.csv`` screened everything under the current folder, as
    ``Path("")`` is ``.``."""
    from malariascope.core.datadir import DATA_DIR_ENV

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "register"))  # cases export: not home's
    monkeypatch.chdir(tmp_path)
    make_cell_folder(tmp_path / "cells", 1)
    (tmp_path / "out").mkdir()
    result = cli(capsys, *args)
    assert result.code == 2
    assert "error: argument " in result.err and "an empty path names nothing" in result.err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cell_0.png", "cells", "out"]


def test_a_missing_option_is_told_with_the_unknown_one_typed_for_it(tmp_path, capsys):
    """argparse named only the missing --csv, not the --out given in its place."""
    (cell,) = make_cell_folder(tmp_path, 1)
    result = cli(capsys, "classify", cell, "--out", tmp_path / "r.csv")
    assert result.code == 2 and not (tmp_path / "r.csv").exists()
    assert result.err == ("malariascope classify: error: the following arguments are required: "
                          "--csv; unrecognized arguments: --out (see malariascope classify "
                          "--help)\n")


def test_every_argument_of_every_command_says_what_it_is(capsys):
    """``evaluate``'s DIR and ``--backend`` of classify and evaluate-fields had no help."""
    from malariascope.cli import COMMANDS, build_parser

    commands = next(action for action in build_parser()._actions if action.choices)
    for name in COMMANDS:
        for action in commands.choices[name]._actions:
            assert action.help, f"{name} {action.dest} has no help"
    shown = cli(capsys, "classify", "--help")
    assert shown.code == 0 and "_summary.csv" in " ".join(shown.out.split())  # it writes one


def test_no_images_without_subfolders_says_the_subfolders_were_not_searched(tmp_path, capsys,
                                                                          real_cells):
    """With --no-recursive, a slide whose cells are all in subfolders was told "no images
    found (0 non-image files skipped)", as if the folder were empty."""
    for name in ("a", "b"):
        (tmp_path / "slide" / name).mkdir(parents=True)
        shutil.copy(real_cells["parasitized"][0], tmp_path / "slide" / name / "cell.png")
    result = cli(capsys, "classify", tmp_path / "slide", "--no-recursive", "--csv",
                 tmp_path / "r.csv")
    assert result.code == 2
    assert result.err == ("malariascope: error: no images found (0 non-image files skipped, "
                          "2 subfolders not searched: --no-recursive); no report written\n")


def test_train_refuses_a_model_folder_among_its_cells_before_tensorflow_loads(tmp_path):
    """``train D --out D/Uninfected/model`` trained and wrote the model's files among the
    cells; a folder beside the class folders is the lab's to choose."""
    from tests.layouts import write_published, write_split_by_cell

    published = write_published(tmp_path / "published", infected=1, healthy=0, per_slide=1)
    split = write_split_by_cell(tmp_path / "split")
    (tmp_path / "link").symlink_to(published / "Uninfected")
    refused = [(published, published / "Uninfected" / "model", published / "Uninfected"),
               (published, tmp_path / "link", published / "Uninfected"),
               (split, split / "train" / "parasitized" / "m", split / "train"),
               (split, split / "test", split / "test")]
    before = sorted(tmp_path.rglob("*"))
    for root, out, folder in refused:
        result = run_without("tensorflow", "train", root, "--out", out)
        assert (result.returncode, result.stderr) == (2, (
            f"malariascope: error: {out} is inside {folder}, a folder of the cells in {root}: "
            "write the model outside the cells\n"))
    assert sorted(tmp_path.rglob("*")) == before
    result = run_without("tensorflow", "train", published, "--out", published / "models")
    assert "needs the module 'tensorflow'" in result.stderr  # beside the cells: allowed


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
