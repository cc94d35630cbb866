"""What a case's printed report says, as the HTML subset Qt's text engine lays out.

Qt-free, so the wording can be read and tested alone; :mod:`malariascope.printing.pdf` adds
the pictures and paginates it. Galleries (``printing.gallery``) are bounded (highest
probability first) and say how many cells they leave out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from malariascope import __version__
from malariascope.core.adapt.learned import LEARNED_TEXT
from malariascope.core.case import NOT_GIVEN_WORDS, NOT_STATED_WORDS, Case
from malariascope.core.clock import utc_minute, utc_now
from malariascope.core.leftout import NONE_LEFT_OUT, LeftOut
from malariascope.core.parasitemia import CaseResult
from malariascope.core.tally import CONFIRMED, OVERRIDDEN, UNSURE, percent_text
from malariascope.core.withoutcall import WithoutCall
from malariascope.core.words import (
    band_words,
    not_screened_words,
    probability_words,
    threshold_words,
)
from malariascope.printing.amendments import amendments_html, left_at_signing
from malariascope.printing.bidi import isolated_html as _e
from malariascope.printing.counts import ALERT, counts_html
from malariascope.printing.fields import LINES_PER_PART, FieldLine, field_tables, short_name
from malariascope.printing.gallery import Gallery, GalleryCell

PICTURE_PX = 84  # a picture's side on paper, at 96 px an inch: 22 mm
COLUMNS = 7
TITLE = "Malaria thin-film screening report"
GREY, RULE = "#f0f0f0", "#9a9a9a"  # a section's heading, the heading's rule
#: a picture's caption under its probability: whose call it is when a reviewer made it
_REVIEW_WORDS = {CONFIRMED: "<br>confirmed", OVERRIDDEN: "<br>overridden",
                 UNSURE: "<br>marked unsure"}


@dataclass(frozen=True)
class CaseReport:
    """Everything a case's printed report shows.

    ``result`` is the case's signed result once signed, else its result now; ``uncertain``
    holds the cells uncertain or marked unsure, not reviewed, not called parasitized (those
    marked unsure wait for a second reader at any threshold), and ``overridden``
    the model's parasitized calls a reviewer overrode to uninfected (so no cell shows twice).
    The lab's name that heads the report is a fact of the case.
    """

    case: Case
    result: CaseResult
    parasitized: Gallery = field(default_factory=Gallery)
    uncertain: Gallery = field(default_factory=Gallery)
    overridden: Gallery = field(default_factory=Gallery)
    printed_at: str = field(default_factory=utc_now)
    #: image files of the batch left unscreened when it was stopped (None: some, not counted)
    not_screened: int | None = 0
    uncertain_cells: int | None = None  # called uncertain, reviewed or not (None: not counted)
    unreadable_names: tuple[str, ...] = ()  # the first of ``result.unreadable`` files
    without_call: WithoutCall | None = None  # the batch's files without a call, by kind
    copies: LeftOut | None = NONE_LEFT_OUT  # files left out as copies; None: not recorded
    fields: tuple[FieldLine, ...] = ()  # the whole fields screened, in order
    learned: str = ""  # the warning of the images its model learned from ('' for none)

    def pictures(self) -> list[tuple[str, GalleryCell]]:
        """Each printed picture with the name the HTML refers to it by."""
        return [(f"{kind}-{number}", cell)
                for kind, gallery in (("parasitized", self.parasitized),
                                      ("uncertain", self.uncertain),
                                      ("overridden", self.overridden))
                for number, cell in enumerate(gallery.shown())]


def _rows(pairs: Sequence[tuple[str, str]], columns: int = 2) -> str:
    """Label-value pairs as a table, ``columns`` pairs a row; values already HTML."""
    label_width = 16 if columns > 1 else 22
    value_width = 100 // columns - label_width
    cells = [f'<td width="{label_width}%" style="color:#555">{_e(label)}</td>'
             f'<td width="{value_width}%">{value}</td>' for label, value in pairs]
    rows = ["".join(cells[i:i + columns]) for i in range(0, len(cells), columns)]
    return ('<table width="100%" cellspacing="0" cellpadding="3">'
            + "".join(f"<tr>{row}</tr>" for row in rows) + "</table>")


def _section(title: str, body: str) -> str:
    """A titled section as one table, which pagination keeps whole (see ``printing.pdf``)."""
    return (f'<table width="100%" cellspacing="0" cellpadding="3" style="margin-top:8px">'
            f'<tr><td bgcolor="{GREY}"><b>{_e(title)}</b></td></tr>'
            f"<tr><td>{body}</td></tr></table>")


def report_html(report: CaseReport, lines_per_part: int = LINES_PER_PART) -> str:
    """The whole report as HTML; pictures are ``<img>`` of the names of :meth:`pictures`.

    Every section, every row of a gallery and every part of the fields' table (of
    ``lines_per_part`` lines) is a table of its own at the top level: the PDF's pagination
    moves one that would straddle two pages to the next.
    """
    names = iter(name for name, _ in report.pictures())
    limits = "".join(f"<p style='margin:1px'>{_e(line)}</p>" for line in report.result.limits())
    parts = [_heading(report), _partial(report.not_screened),
             _section("Patient and slide", _facts(report.case)),
             _section("Result", _result(report.result)),
             _notes(report.case.facts.notes),
             _section("Counts", counts_html(report)),
             _section("Sign-off", _signoff(report.case)),
             _section("Model", _model(report.case)),
             _section("Limits of this result", limits),
             _gallery("Parasitized cells", report.parasitized, names),
             _gallery("Uncertain or marked unsure cells called uninfected, not reviewed",
                      report.uncertain, names),
             _gallery("Parasitized by the model, uninfected by the reviewer",
                      report.overridden, names),
             _fields(report.fields, lines_per_part)]
    return f"<html><body>{''.join(parts)}</body></html>"


def _heading(report: CaseReport) -> str:
    case = report.case
    status = (f'<span style="color:{ALERT}"><b>NOT SIGNED: preliminary result</b></span>'
              if case.signed is None else "<b>Signed</b>")
    return (f'<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f"<td>{_lab(case.facts.lab)}</td>"
            f'<td align="right" style="color:#555">Printed {_e(utc_minute(report.printed_at))}'
            f"</td></tr></table>"
            f'<p style="font-size:15pt; margin-top:8px; margin-bottom:2px">{TITLE}</p>'
            f"<p style='margin-top:0'>Slide <b>{_e(case.facts.sample_id or '(no id)')}</b>"
            f" &middot; case {_e(case.uid[:8])} &middot; {status}</p>"
            f'<hr style="color:{RULE}">')


def _partial(not_screened: int | None) -> str:
    """A warning that the screening was stopped before the batch's end, or ''."""
    words = not_screened_words(not_screened)
    if not words:
        return ""
    return (f"<p style='color:{ALERT}'><b>PARTIAL: {words[:1].lower()}{words[1:-1]}.</b> "
            "The result counts only the cells screened.</p>")


def _lab(name: str) -> str:
    """The lab's name as the report's first line, or a grey word that nobody gave it."""
    if name:
        return f'<b style="font-size:12pt">{_e(name)}</b>'
    return f'<span style="color:#555">Laboratory {NOT_STATED_WORDS}</span>'


def _facts(case: Case) -> str:
    facts = case.facts
    age = "" if facts.age_years is None else f"{facts.age_years} years"
    pairs = [("Slide (sample) id", facts.sample_id), ("Patient id", facts.patient_id),
             ("Age", age), ("Sex", facts.sex), ("Collected on", facts.collected_on),
             ("Site", facts.site), ("Stain", facts.stain or NOT_STATED_WORDS),
             ("Microscopist", facts.operator)]
    return _rows([(name, _e(value or NOT_GIVEN_WORDS)) for name, value in pairs])


def _notes(notes: str) -> str:
    """The case's notes, a line each as typed, as a section of their own ('' for none): after
    the result, which long notes would otherwise push to a later page."""
    return _section("Notes", "<br>".join(map(_e, notes.split("\n")))) if notes else ""


def _result(result: CaseResult) -> str:
    count = (f"{result.cells_counted:,} of a target of {result.target_cells:,}: "
             + ("target reached" if result.target_reached
                else f"<span style='color:{ALERT}'>target not reached</span>"))
    if result.parasitemia is None:
        parasitemia = "none: no red cell was counted"
    else:
        low, high = result.interval
        parasitemia = (f"<b style='font-size:14pt'>{percent_text(result.parasitemia)} %</b>"
                       f"&nbsp; (95 % CI {percent_text(low)} to {percent_text(high)} %, "
                       f"Wilson)")
    shown = result.density_words()
    density = (f"<b>{shown[0]}</b>{_e(shown[1])}" if shown is not None
               else result.density_not_counted
               or "not given: the red cell count per µL was not entered")
    pairs = [("Parasitemia", parasitemia), ("Red cells counted", count),
             ("Parasitized red cells", f"{result.parasitized:,}"),
             ("Parasites per µL", density)]
    return _rows(pairs, columns=1)


def _signoff(case: Case) -> str:
    if case.signed is None:
        text = f"<p style='color:{ALERT}'>Not signed. This result is preliminary.</p>"
    else:
        signature = case.signed.signature
        text = (f"<p>Signed by <b>{_e(signature.name)}</b> on {_e(utc_minute(signature.signed_at))}"
                f". {left_at_signing(case.signed)}</p>")
    return text + amendments_html(case)


def _model(case: Case) -> str:
    rows = [("Model", _e(case.model or "(not recorded)"))]
    rule = case.rule
    if rule is None:
        rows.append(("Calls", "(not recorded)"))
    elif rule.field_threshold is None:
        rows.append(("Calls", _calls(rule.threshold, rule.band)))
    else:
        rows += [("Calls, single cells", _calls(rule.threshold, rule.band)),
                 ("Calls, whole fields", _calls(rule.field_threshold, rule.field_band))]
    rows += [("Software", f"MalariaScope {_e(__version__)}"),
             ("Model SHA-256", f"<span style='font-family:monospace; font-size:7pt'>"
                               f"{_e(case.model_sha256 or '(not recorded)')}</span>")]
    return _rows(rows, columns=1)


def _calls(threshold: float, band: tuple[float, float]) -> str:
    return (f"parasitized at P &ge; {threshold_words(threshold)}; uncertain from "
            f"{band_words(band)}")


def _gallery(title: str, gallery: Gallery, names: Iterator[str]) -> str:
    """A gallery's heading with its first row, then each further row, each a table."""
    shown, more, unreadable = gallery.shown(), gallery.left_out(), gallery.unreadable
    if not shown and not more and not unreadable:
        return ""
    cells = [f'<td align="center" valign="top" width="{100 // COLUMNS}%"><img src="{next(names)}" '
             f'width="{PICTURE_PX}" height="{PICTURE_PX}"><br>'
             f'<span style="font-size:7pt; white-space:nowrap">'
             f"P {probability_words(cell.probability, cell.threshold)}"
             f"{_REVIEW_WORDS.get(cell.review, '')}</span>{_learned(cell.learned)}<br>"
             f'<span style="font-size:7pt">{_e(short_name(cell.label))}</span></td>'
             for cell in shown]
    cells += ["<td></td>"] * (-len(cells) % COLUMNS)
    rows = [f'<table width="100%" cellspacing="0" cellpadding="2"><tr>'
            f"{''.join(cells[i:i + COLUMNS])}</tr></table>"
            for i in range(0, len(cells), COLUMNS)]
    unsure = any(cell.review == UNSURE for cell in shown)
    order = ("those marked unsure first, then the highest probability" if unsure
             else "highest probability first")
    if more:
        which = "marked unsure or " if unsure else ""
        rows.append(f"<p style='margin:3px'>{more:,} more not shown: these are the "
                    f"{len(shown) + unreadable:,} {which}with the highest probability.</p>")
    if unreadable:
        whose = "its image file" if unreadable == 1 else "their image files"
        rows.append(f"<p style='margin:3px; color:{ALERT}'>{unreadable:,} not shown: "
                    f"{whose} could not be read.</p>")
    return _parts(f"{title} ({len(shown) + more + unreadable:,}, {order})", rows)


def _learned(learned: bool) -> str:
    """A picture's caption line that the model learned from its image ('' when not), which
    may wrap between its words, unlike the probability above it."""
    return (f"<br><span style='font-size:7pt; color:{ALERT}'>{LEARNED_TEXT}</span>" if learned
            else "")


def _fields(lines: Sequence[FieldLine], per_part: int) -> str:
    """The table of the whole fields in parts of ``per_part``, or '' for single cells."""
    tables = field_tables(lines, per_part)
    return _parts(f"Whole fields ({len(lines):,})", tables) if tables else ""


def _parts(title: str, tables: Sequence[str]) -> str:
    """A titled section holding the first of ``tables``, then the others, each a top-level
    table the pagination keeps whole."""
    return _section(title, tables[0]) + "".join(tables[1:])
