"""The stop requests of the command line (``cli.stopping``): where a second signal lands
decides what it does, the removal of a stopped batch's files is never cut short, and a stop a
library swallows still stops.

Most tests raise the signals in this process around a ``StopRequests`` or ``StopAtOnce``;
one runs a script in a child, as Python prints what a weakref callback raises on exit.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest


def test_a_second_signal_stops_before_the_report_is_renamed_and_not_after():
    """Where the second Ctrl-C lands decides, and nothing else: before the renames it stops
    the batch without a report; during them it is too late and changes nothing, so a report
    is never both replaced and reported as not written (exit 130)."""
    from malariascope.cli.stopping import StopRequests

    before = signal.getsignal(signal.SIGINT)  # ignored when pytest runs as a background job
    placed = []
    with StopRequests() as stops:
        signal.raise_signal(signal.SIGINT)  # stop after this image
        assert stops.stop.is_set()
        stops.commit(lambda: (signal.raise_signal(signal.SIGTERM), placed.append(True)))
    assert placed == [True]
    with StopRequests() as stops, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGTERM)
        signal.raise_signal(signal.SIGINT)  # before the renames: stop now
    assert signal.getsignal(signal.SIGINT) is before  # put back


@pytest.mark.parametrize("how", ["second signal", "nothing screened"])
def test_signals_while_a_stopped_batch_removes_its_files_are_ignored(how):
    """A second Ctrl-C that came while classify removed the new files of a batch it was
    stopping (one stopped before its first image, or by that very Ctrl-C's twin) cut the
    removal short: the report's lock files stayed in its folder."""
    from malariascope.cli.stopping import StopRequests

    removed = []
    with StopRequests() as stops, pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)  # stop after this image
        try:
            if how == "second signal":
                signal.raise_signal(signal.SIGINT)  # stop now
            else:
                stops.stop_now()  # as classify does when no image was screened
        except KeyboardInterrupt:
            stops.clean_up(lambda: (signal.raise_signal(signal.SIGINT), removed.append(True)))
            raise
    assert removed == [True]


def test_a_second_ctrl_c_that_a_library_swallows_still_leaves_no_report():
    """The second Ctrl-C landed in importlib's clean-up callback of a module being imported,
    which swallowed it: the batch stopped after the image and its report was written (exit
    0). The report is not placed."""
    from malariascope.cli.stopping import StopRequests

    placed = []
    with StopRequests() as stops:
        signal.raise_signal(signal.SIGINT)  # stop after this image
        try:
            signal.raise_signal(signal.SIGINT)  # stop now...
            sum(range(10))
        except KeyboardInterrupt:
            pass  # ...swallowed
        with pytest.raises(KeyboardInterrupt):
            stops.commit(lambda: placed.append(True))
    assert placed == []


SWALLOWED_SECOND_SIGNAL = """
import signal, weakref
from malariascope.cli.stopping import {taker}

class Loader:
    pass

with {taker}() as stops:
    {first}
    loader = Loader()
    # the stop lands in a weakref callback, which Python cannot raise from
    gone = weakref.ref(loader, lambda _: signal.raise_signal(signal.SIGINT))
    del loader
    print("went on", stops.stop.is_set(), flush=True)
    {last}
"""


@pytest.mark.parametrize("taker", ["StopRequests", "StopAtOnce"])
def test_a_stop_that_lands_in_a_weakref_callback_prints_no_traceback(taker):
    """The second Ctrl-C of classify (or train's first) that came while a weakref callback ran
    (a loader thread let go) was printed as "Exception ignored in ..." with a traceback, under
    the batch's own "interrupted" line."""
    first = "signal.raise_signal(signal.SIGINT)" if taker == "StopRequests" else "pass"
    last = "stops.commit(lambda: None)" if taker == "StopRequests" else "raise KeyboardInterrupt"
    script = SWALLOWED_SECOND_SIGNAL.format(taker=taker, first=first, last=last)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=60)
    assert child.stdout == "went on True\n"
    assert child.returncode != 0 and child.stderr.rstrip().endswith("KeyboardInterrupt")
    assert "Exception ignored" not in child.stderr, child.stderr


def test_a_second_sigterm_while_train_removes_what_it_made_is_ignored():
    """Every SIGTERM to `train` raised, so a second one while the run removed its new --out
    folder could cut that short and leave the folder behind."""
    from malariascope.cli.stopping import StopAtOnce

    removed = []
    with StopAtOnce() as stops, pytest.raises(KeyboardInterrupt):
        try:
            signal.raise_signal(signal.SIGTERM)
            sum(range(10))
        except KeyboardInterrupt:
            signal.raise_signal(signal.SIGTERM)  # while the folder is removed
            sum(range(10))
            removed.append(True)
            raise
    assert removed == [True] and stops.stop.is_set()


def test_inside_a_checked_block_the_first_signal_waits_and_a_second_stops_at_once():
    """train's first SIGTERM raised wherever Python was, inside TensorFlow's calls back into
    Python too (a SystemError then). Inside ``checked`` (the fit) it only sets ``stop``; a
    second raises at once, a third (while the run removes its folder) is ignored."""
    from malariascope.cli.stopping import StopAtOnce

    removed = []
    with StopAtOnce() as stops, pytest.raises(KeyboardInterrupt), stops.checked():
        signal.raise_signal(signal.SIGTERM)
        sum(range(10))
        assert stops.stop.is_set()
        try:
            signal.raise_signal(signal.SIGTERM)
            sum(range(10))
        finally:
            signal.raise_signal(signal.SIGTERM)  # while the folder is removed
            sum(range(10))
            removed.append(True)
    assert removed == [True]
