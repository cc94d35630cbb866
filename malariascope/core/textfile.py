"""Whether a file no decoder could read is plain text: a note or a CSV saved under an image's
name, which a technician can act on once told so.

Only the first bytes are looked at; a file whose start is a format's signature written in
ASCII (a Netpbm image, a PDF), or that holds an SVG drawing, is not called text.
"""

from __future__ import annotations

import codecs
import re

import numpy as np

NOT_AN_IMAGE = "not an image: a text file"
HEAD_BYTES = 512  # looked at: a line or a few of any text
#: Signatures in ASCII of formats that are no plain text: Netpbm images (their header ASCII
#: even when the pixels are binary), PDF and PostScript documents
#: A Netpbm header: its kind, then comments, then a size (a PAM, P7, names its fields)
_NETPBM = re.compile(rb"P[1-6]\s+(#[^\n]*\n\s*)*\d|P7\s")
_SIGNATURES = (b"%PDF", b"%!PS")
_DRAWING = b"<svg"  # an SVG drawing is text, but a picture to whoever saved it
_SPACES = frozenset("\t\n\r\f")


def is_plain_text(data: np.ndarray | bytes) -> bool:
    """True when the first :data:`HEAD_BYTES` of ``data`` are UTF-8 (a byte-order mark
    allowed, a character cut at the end too) of printable characters and white space only,
    and start with no Netpbm header nor signature of :data:`_SIGNATURES`, nor hold an SVG
    drawing."""
    head = bytes(data[:HEAD_BYTES])
    start = head.removeprefix(codecs.BOM_UTF8)
    if start.startswith(_SIGNATURES) or _NETPBM.match(start) or _DRAWING in head.lower():
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head)  # a cut character waits
    except UnicodeDecodeError:
        return False
    return all(char.isprintable() or char in _SPACES for char in text)
