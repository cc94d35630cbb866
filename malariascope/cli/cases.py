"""``malariascope cases list [--json]``, ``cases export OUT.csv`` and ``cases recover FILE``:
the case register, read, and cases copied into it from a damaged register set aside.

The register is the one the window keeps in the app's data folder (``MALARIASCOPE_DATA_DIR``
names another). A folder without one, or whose register file is empty, has no cases, and
nothing is made or written there. A damaged register is moved aside whole by the core, never
recreated, and told in one line; one of a newer MalariaScope is refused in one line, left as
it is; one that cannot be written (an archive, or one on a full disk) is read as it is,
untouched. ``recover`` copies the cases a damaged register file still holds whole into the
register, the file only read (:mod:`~malariascope.core.register.recover`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from malariascope.cli._common import EXIT_OK, in_cli_words, output_file_argument, path_argument
from malariascope.core.errors import RegisterError
from malariascope.core.parasitemia import rounded_density
from malariascope.core.words import counted, listed

if TYPE_CHECKING:
    from malariascope.core.register import CaseSummary
    from malariascope.core.register.recover import Recovery

HELP = ("list the case register, export it as CSV for a lab information system, or recover "
        "the cases of a damaged one")
NAMED = 10  # cases that could not be read named in the line, the rest counted
HEADINGS = ("case", "status", "opened", "collected", "slide", "patient", "cells",
            "parasitemia %", "95 % CI", "signed by")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The actions of ``cases``: ``list``, ``export`` and ``recover``."""
    actions = parser.add_subparsers(dest="action", required=True,
                                    metavar="{list,export,recover}",
                                    help="what to do with the case register")
    listing = actions.add_parser("list", help="the cases, the latest changed first")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    export = actions.add_parser("export", help="write one CSV row per case")
    export.add_argument("out", type=output_file_argument, metavar="OUT.csv",
                        help="file to write")
    export.add_argument("--overwrite", action="store_true", help="replace an existing file")
    recover = actions.add_parser("recover", help="copy the cases a damaged register set aside "
                                 "still holds whole into the register, the file only read")
    recover.add_argument("damaged", type=path_argument, metavar="DAMAGED_FILE",
                         help="the register set aside, cases-damaged-*.sqlite")


def run(args: argparse.Namespace) -> int:
    """List, export or recover the cases; exit 2, in one line, when the register (or the
    damaged file) cannot be read."""
    from malariascope.core.datadir import check_data_dir, data_dir
    from malariascope.core.register import Register

    folder = data_dir()
    check_data_dir(folder)
    if args.action == "recover":
        from malariascope.core.register.recover import recover

        print(_recovered(recover(folder, args.damaged)))
        return EXIT_OK
    with Register(folder, view=True) as register:
        if nothing := register.nothing_stored:
            if args.action == "export":
                raise RegisterError(f"{nothing}: nothing to export")
            print("[]" if args.json else f"no cases: {nothing}")
            return EXIT_OK
        if args.action == "export":
            with in_cli_words():
                count = register.export_csv(args.out, overwrite=args.overwrite)
            print(f"{counted(count, 'case')} exported to {args.out}")
            return EXIT_OK
        with register.listing() as cases:  # read whole before a line is printed
            text = _json(cases) if args.json else _table([_line(case) for case in cases])
    print(text)
    return EXIT_OK


def _recovered(recovery: Recovery) -> str:
    """One line: the cases recovered, those that could not be read (named), those the
    register holds already."""
    unreadable = recovery.unreadable
    named = f" ({listed(unreadable[:NAMED], len(unreadable))})" if unreadable else ""
    return (f"{counted(len(recovery.recovered), 'case')} recovered, {len(unreadable):,} could "
            f"not be read{named}, {len(recovery.present):,} already in the register")


def _json(cases: Iterable[CaseSummary]) -> str:
    """The cases as one JSON array, as ``json.dumps(indent=2)`` writes it, built a case at a
    time: a register of years is held as this text, never as its cases' summaries."""
    items = [textwrap.indent(json.dumps(_as_json(case), indent=2), "  ") for case in cases]
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def _as_json(case: CaseSummary) -> dict[str, object]:
    """Everything the register's list holds of a case, with the result's figures; parasites
    per µL rounded as every report gives them (``rounded_density``)."""
    data = dataclasses.asdict(case)
    data["amendments"] = case.amendments  # beside ``amended``, as the list counts them
    result = case.result
    if result is not None:
        density = result.parasites_per_ul
        data["result"].update(parasitemia=result.parasitemia, interval=result.interval,
                              target_reached=result.target_reached,
                              parasites_per_ul=None if density is None else rounded_density(
                                  density))
    return data


def _table(lines: list[tuple[str, ...]]) -> str:
    """The cases' lines (:func:`_line`) as aligned columns under :data:`HEADINGS`."""
    rows = [HEADINGS, *lines]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADINGS))]
    return "\n".join("  ".join(text.ljust(width) for text, width in zip(row, widths,
                                                                       strict=True)).rstrip()
                     for row in rows)


def _line(case: CaseSummary) -> tuple[str, ...]:
    from malariascope.core.clock import local_day
    from malariascope.core.tally import percent_text

    result = case.result
    counted = "" if result is None else f"{result.cells_counted:,}"
    parasitemia = interval = ""
    if result is not None and result.cells_counted:
        low, high = result.interval
        parasitemia = percent_text(result.parasitemia)
        interval = f"{percent_text(low)}-{percent_text(high)}"
    return (case.uid[:8], case.listed_status(), local_day(case.created_at), case.facts.collected_on,
            case.facts.sample_id, case.facts.patient_id, counted, parasitemia, interval,
            case.signature.name if case.signature else "")
