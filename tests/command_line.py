"""Running ``malariascope`` in the tests: in this process through ``main([...])``, or in a
child process where a module cannot be imported."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from malariascope.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def cli(capsys, *args: str | Path) -> Run:
    """``malariascope ARGS`` in this process: its exit code and what it printed."""
    capsys.readouterr()
    try:
        code = main(list(map(str, args)))
    except SystemExit as exit_:  # argparse refuses the arguments
        code = exit_.code
    printed = capsys.readouterr()
    return Run(code, printed.out, printed.err)


def run_without(module: str, *args: str | Path) -> subprocess.CompletedProcess:
    """The CLI in a Python where ``module`` cannot be imported, as in a slim install."""
    code = (f"import sys; sys.modules[{module!r}] = None; from malariascope.cli import main; "
            f"sys.exit(main({list(map(str, args))!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


def opened_by(suffix: str, *args: str | Path) -> tuple[int, list[str]]:
    """``malariascope ARGS`` in a child process: its exit code and each file whose name ends
    in ``suffix`` it opened, once per opening (Python's audit hook sees every open)."""
    code = ("import sys; from malariascope.cli import main; opened = []; "
            "sys.addaudithook(lambda event, args: event == 'open' and "
            f"str(args[0]).endswith({suffix!r}) and opened.append(str(args[0]))); "
            f"code = main({list(map(str, args))!r}); print(opened, file=sys.stderr); "
            "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    return done.returncode, ast.literal_eval(done.stderr.splitlines()[-1])
