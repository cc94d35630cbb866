"""``classify``'s parasites per µL, rounded and with their interval, and its intervals named."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import pytest
from scipy.stats import binomtest

from tests.reports import read_pdf, read_summary
from tests.test_cli_case import REAL_FIELD, ROOT

RBC_PER_UL = 4_800_000


def three_figures(value: float) -> int:
    """``value`` to 3 significant figures, as a whole number of parasites per µL."""
    return round(float(f"{value:.3g}"))


def test_parasites_per_ul_are_rounded_and_carry_their_interval_in_summary_and_pdf(tmp_path):
    if not REAL_FIELD.is_file():
        pytest.skip(f"real field not found at {REAL_FIELD} (../shared/data beside the project)")
    report, pdf = tmp_path / "slide.csv", tmp_path / "slide.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "malariascope", "classify", str(REAL_FIELD), "--csv",
         str(report), "--pdf", str(pdf), "--rbc-per-ul", str(RBC_PER_UL)],
        cwd=ROOT, env=os.environ, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    summary, _ = read_summary(tmp_path / "slide_summary.csv")
    found, parasitized = int(summary["classified"]), int(summary["parasitized"])
    assert parasitized > 0
    interval = binomtest(parasitized, found).proportion_ci(0.95, method="wilson")
    density = three_figures(RBC_PER_UL * parasitized / found)
    low, high = (three_figures(RBC_PER_UL * end) for end in (interval.low, interval.high))
    assert low < density < high
    assert (summary["parasites_per_ul"], summary["parasites_per_ul_ci_low"],
            summary["parasites_per_ul_ci_high"]) == (str(density), str(low), str(high))
    keys = list(summary)  # appended after the interval's ends, before later keys
    after = keys.index("parasites_per_ul_ci_high") + 1
    assert keys[after:after + 2] == ["parasitemia_ci", "parasites_per_ul_ci"]
    assert summary["parasitemia_ci"] == "95 % Wilson score interval, in percent"
    assert summary["parasites_per_ul_ci"] == ("parasitemia_ci times the red cells per µL; "
                                              "parasites per µL to 3 significant figures")
    _, text, _ = read_pdf(pdf)
    text = unicodedata.normalize("NFKC", " ".join(text.split()))  # the PDF's µ is Greek mu
    assert unicodedata.normalize("NFKC", f"Parasites per µL {density:,} (95 % CI {low:,} to "
                                 f"{high:,}, from 4,800,000 red cells per µL entered)") in text
