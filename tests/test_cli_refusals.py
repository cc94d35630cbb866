"""What the command line refuses before any work: training settings that cannot train, a
missing exporter, wrong or missing arguments; what it refuses to write is in
test_cli_outputs.py."""

from __future__ import annotations

import shutil

import pytest

from tests.command_line import cli, run_without
from tests.images import make_cell_folder
from tests.reports import read_rows


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
    assert "argument --cell-radius: must be a number from 8 to 200" in result.err


@pytest.mark.parametrize("radius", ["100000", "200.5"])
def test_a_cell_radius_far_above_any_smear_s_is_refused_in_one_line(tmp_path, capsys, radius):
    """--cell-radius 100000 was taken: no cell was found in any field, and the figures of
    nothing found were printed, exit 0."""
    (tmp_path / "a.json").write_text("[]", encoding="utf-8")
    result = cli(capsys, "evaluate-fields", tmp_path, "--annotations", tmp_path / "a.json",
                 "--cell-radius", radius)
    assert (result.code, result.out) == (2, "")
    assert result.err == ("malariascope evaluate-fields: error: argument --cell-radius: must be "
                          f"a number from 8 to 200, got '{radius}' (see malariascope "
                          "evaluate-fields --help)\n")
    helped = cli(capsys, "evaluate-fields", "--help").out
    assert "typical cell radius in pixels, 8 to 200" in " ".join(helped.split())


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


@pytest.mark.parametrize("option, first, second", [("--csv", "a.csv", "b.csv"),
                                                   ("--threshold", "0.3", "0.6"),
                                                   ("--sample-id", "S-104", "S-105")])
def test_an_option_given_twice_with_two_values_is_refused(tmp_path, capsys, real_cells,
                                                          option, first, second):
    """The last value was taken silently: `--csv a.csv ... --csv b.csv` wrote b.csv alone, and
    a second --threshold or --sample-id, pasted from another run, called or named the slide."""
    cell = real_cells["parasitized"][0]
    values = [str(tmp_path / v) if option == "--csv" else v for v in (first, second)]
    csv = [] if option == "--csv" else ["--csv", tmp_path / "r.csv"]
    result = cli(capsys, "classify", cell, *csv, option, values[0], f"{option}={values[1]}")
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert f"argument {option}: given twice ({values[0]}, then {values[1]})" in result.err
    assert sorted(tmp_path.iterdir()) == []


def test_an_option_given_twice_with_one_value_runs(tmp_path, capsys, real_cells):
    """A value repeated (an alias that holds it, typed again) means one thing: it is taken."""
    out = tmp_path / "r.csv"
    result = cli(capsys, "classify", real_cells["uninfected"][0], "--csv", out, "--threshold",
                 "0.3", "--threshold", "0.3")
    assert result.code == 0, result.err
    assert {row["threshold"] for row in read_rows(out)} == {"0.3000"}


@pytest.mark.parametrize(
    "args", [("--sample-id", "a", "--sample-id", "b\x1b[2J"), ("--x\x1b]0;owned\x07",)]
)
def test_a_refused_argument_is_told_with_escapes_not_obeyed_by_the_terminal(
    tmp_path, capsys, real_cells, args
):
    """argparse echoes what was typed: an escape sequence in it (pasted with a file name)
    would clear the screen or retitle the window instead of being read."""
    cell = real_cells["uninfected"][0]
    result = cli(capsys, "classify", cell, "--csv", tmp_path / "r.csv", *args)
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "\x1b" not in result.err and "\\x1b" in result.err, result.err
