"""TensorFlow imported quietly for the commands that need it.

Its start-up notices (absl's, oneDNN's, the CPU features, CUDA not found) and its libraries'
warnings say nothing a lab user can act on; ``--verbose`` shows them all. The native libraries
write some of them to stderr while they load, before any log level applies, so stderr is read
during the import and every line that is not such a notice is written back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator

#: Lines TensorFlow's libraries print on loading: absl's notice, its native info and warning
#: lines (with the CPU features' second line), and the GPU libraries it did not find.
NOTICE = re.compile(r"WARNING: All log messages before absl::InitializeLog\(\)"
                    r"|[IW]\d{4} "
                    r"|To enable the following instructions"
                    r"|E\d{4} .*(CUDA|cuda|cuDNN|cuFFT|cuBLAS|TensorRT)")
LIBRARIES = ("absl", "tensorflow", "keras", "tf2onnx")


def import_tensorflow(verbose: bool) -> None:
    """Import TensorFlow, with its notices and warnings hidden for the rest of the run unless
    ``verbose``."""
    if not verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the native log, once loaded
        for name in LIBRARIES:
            logging.getLogger(name).setLevel(logging.ERROR)
            warnings.filterwarnings("ignore", module=name)
    with contextlib.nullcontext() if verbose else _notices_dropped():
        import tensorflow  # noqa: F401


@contextlib.contextmanager
def _notices_dropped() -> Iterator[None]:
    """Send file descriptor 2 to a temporary file for the block, then write back to stderr
    each line of it that is not a :data:`NOTICE` (everything, if the block fails)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all (a windowed process): nothing to hide
        yield
        return
    failed = True
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
            failed = False
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            lines = caught.read().decode("utf-8", "replace").splitlines(keepends=True)
            sys.stderr.write("".join(line for line in lines
                                     if failed or not NOTICE.match(line)))
