"""``malariascope cases recover``: a register set aside as damaged gives back, in one line,
every case it still holds whole, and the line that set it aside names the command."""

from __future__ import annotations

import hashlib
import re
import shutil

from malariascope.core.register import FILE_NAME
from tests.command_line import cli
from tests.core.test_register_recover import OPEN_CASES, damage_page_holding, register_cases
from tests.test_cli_cases import data_folder  # noqa: F401 (a fixture)

LOST = 30  # its row on the damaged page of the cases' table, with its neighbours'


def test_a_register_set_aside_as_damaged_gives_back_its_cases_read_whole(
        data_folder, tmp_path, capsys):  # noqa: F811 (the fixture imported above)
    cases = register_cases(tmp_path / "whole")
    data_folder.mkdir()
    shutil.copyfile(tmp_path / "whole" / FILE_NAME, data_folder / FILE_NAME)
    damage_page_holding(data_folder / FILE_NAME, f'"sample_id":"S-{LOST:03d}"'.encode())
    listed = cli(capsys, "cases", "list")
    (aside,) = data_folder.glob("cases-damaged-*.sqlite")
    assert listed.code == 2 and listed.err.count("\n") == 1
    assert listed.err.endswith(f'; it was kept as {aside}; `malariascope cases recover "{aside}"`'
                               " copies the cases it can still read into the new register\n")
    before = hashlib.sha256(aside.read_bytes()).hexdigest()

    first = cli(capsys, "cases", "recover", aside)
    assert first.code == 0 and not first.err and first.out.count("\n") == 1
    recovered, lost, names = re.fullmatch(r"(\d+) cases recovered, (\d+) could not be read "
                                          r"\((.*)\), 0 already in the register\n",
                                          first.out).groups()
    assert int(recovered) + int(lost) == OPEN_CASES and 0 < int(lost) < 10
    assert f"S-{LOST:03d} ({cases[LOST].uid[:8]})" in names
    listing = cli(capsys, "cases", "list")
    assert listing.code == 0 and len(listing.out.splitlines()) == 1 + int(recovered)

    again = cli(capsys, "cases", "recover", aside)
    assert again.out == (f"0 cases recovered, {lost} could not be read ({names}), "
                         f"{recovered} already in the register\n")
    assert hashlib.sha256(aside.read_bytes()).hexdigest() == before
    assert sorted(path.name for path in data_folder.iterdir()) == [aside.name, FILE_NAME]


def test_a_file_that_is_no_register_is_refused_in_one_line(
        data_folder, tmp_path, capsys):  # noqa: F811 (the fixture imported above)
    data_folder.mkdir()
    other = tmp_path / "notes.txt"
    other.write_text("not a register\n" * 20)
    run = cli(capsys, "cases", "recover", other)
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"malariascope: error: {other} is not a SQLite database: no case can be "
                       "read from it\n")
    assert not any(data_folder.iterdir())

