"""Counts in words, one wording for every message: "1 cell", "2 cells", "1,204 cells"."""

from __future__ import annotations

from collections.abc import Sequence

#: decimals of a threshold, as the model card and the report keep it
THRESHOLD_DECIMALS = 4
MOST_DECIMALS = 9  # a probability and a threshold are never told apart further


def counted(count: int, noun: str, nouns: str = "") -> str:
    """``count`` with ``noun``, or with ``nouns`` (default ``noun`` + "s") unless it is 1."""
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def listed(names: Sequence[str], total: int) -> str:
    """``names``, the first of ``total`` things, as a list that says how many more there are:
    "a.png, b.png and 3 more"."""
    more = total - len(names)
    if more <= 0:
        return ", ".join(names)
    return f"{', '.join(names)} and {more:,} more" if names else counted(more, "file")


def not_screened_words(not_screened: int | None) -> str:
    """What a batch cut short left out, as a sentence ("" when nothing; None: some files, not
    counted); the report and the signature say it alike."""
    if not_screened == 0:
        return ""
    if not_screened is None:
        return "Screening was stopped and some image files of the batch were not screened."
    verb = "was" if not_screened == 1 else "were"
    return (f"Screening was stopped and {counted(not_screened, 'image file')} of the batch "
            f"{verb} not screened.")


def decimals(probability: float, threshold: float) -> int:
    """The fewest decimals, from 3, at which ``probability`` and ``threshold`` read apart:
    rounding keeps their order, so the call shown beside them never looks contradicted. Two
    that read alike at :data:`MOST_DECIMALS` are shown so, equal (a P at its threshold is
    called parasitized)."""
    return next((places for places in range(3, MOST_DECIMALS + 1)
                 if f"{probability:.{places}f}" != f"{threshold:.{places}f}"), MOST_DECIMALS)


def probability_words(probability: float, threshold: float | None) -> str:
    """``probability`` with the decimals that tell it from the ``threshold`` that called it
    (3 without one)."""
    places = 3 if threshold is None else decimals(probability, threshold)
    return f"{probability:.{places}f}"


def threshold_words(threshold: float, beside: float | None = None) -> str:
    """``threshold`` as every view prints it (box, panel, help, report, CSV): with the four
    decimals the card keeps, so the threshold read is the one that made the calls. A field
    threshold moved with the threshold has more decimals than four: shown ``beside`` a
    probability, it takes as many more as that probability needs to read apart from it."""
    places = THRESHOLD_DECIMALS
    if beside is not None and round(threshold, THRESHOLD_DECIMALS) != threshold:
        places = max(places, decimals(beside, threshold))
    return f"{threshold:.{places}f}"


def band_words(band: tuple[float, float]) -> str:
    """An uncertain band, "0.0782 to 0.3852", its edges read as thresholds are: the lower edge
    of a field cell's band is the threshold itself."""
    return f"{threshold_words(band[0])} to {threshold_words(band[1])}"


def shortened(text: str) -> str:
    """``text`` as a one-line message shows it: its start and end when it is over 80
    characters (a path too long for the system may run to thousands)."""
    return text if len(text) <= 80 else f"{text[:50]}...{text[-20:]}"
