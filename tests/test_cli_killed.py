"""``malariascope classify --csv --pdf`` killed (SIGKILL: no handler runs) while its PDF is
laid out: the report and the PDF on disk stay a pair, the old one or the new one."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: the real command, killed by the system as the PDF's pages are laid out
KILLED_WHILE_LAYING_OUT = """
import os, signal, sys
import malariascope.printing.pdf as pdf
pdf._pdf_bytes = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
from malariascope.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_while_its_pdf_is_laid_out_leaves_the_old_report_beside_the_old_pdf(
        tmp_path, real_cells):
    cells = [*real_cells["parasitized"], *real_cells["uninfected"]]
    out, summary, pdf = tmp_path / "r.csv", tmp_path / "r_summary.csv", tmp_path / "r.pdf"
    old = {out: b"the last slide's report\n", summary: b"its summary\n", pdf: b"its PDF"}
    for path, data in old.items():
        path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_LAYING_OUT, "classify", *map(str, cells), "--csv",
         str(out), "--pdf", str(pdf), "--overwrite"],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == -signal.SIGKILL, done.stderr
    for path, data in old.items():  # not this batch's report beside the last one's PDF
        assert path.read_bytes() == data
    # a killed run's temporary files are hidden; the next run of that name sweeps them
    assert sorted(path.name for path in tmp_path.iterdir()
                  if not path.name.startswith(".")) == ["r.csv", "r.pdf", "r_summary.csv"]
