"""What an image must be to be screened, and why one could not be, in one line each.

A blank image (a lens cap, an empty frame) and a strip hold no cell to call, though the model
would call them all the same; a grey image has lost the stain's colours, by which the model
tells a parasite (it calls grey parasitized cells uninfected); an image that runs out of
memory, or that OpenCV cannot process, is told so, and the batch goes on.
"""

from __future__ import annotations

import cv2
import numpy as np

from malariascope.core.withoutcall import BLANK, GREY, STRIP, TOO_SMALL

#: An image whose every channel varies less than this (standard deviation, of 255) is blank: a
#: lens cap or an empty frame. Cells vary far more (the least of 6,000 NIH cells: 57).
BLANK_SPREAD = 6.0
#: An image is grey when its red, green and blue differ by more than this (of 255) at fewer
#: than 1 % of its pixels, or fewer than :data:`GREY_MIN_COLOURED` of those looked at (a
#: small cell of a large field on neutral glass). Stained cells differ more: the least of the
#: 25,347 NIH cells, a faded one, by 5 at 99 % of its pixels.
GREY_SPREAD = 2
GREY_MIN_COLOURED = 100
_GREY_SAMPLES = 256  # pixels a side looked at for greyness: a large image is subsampled
#: An image less than this many pixels a side is too small to show a cell's inside (the
#: smallest of the 25,347 NIH cells: 40 px; the model sees a cell at 64 px).
MIN_SIDE = 16
#: An image longer than this many times its width is a strip: no cell is (the most elongated
#: of the 2,600 NIH test cells: 2.1), nor a camera's frame (16:9 is 1.8; three fields side by
#: side, 4). As a cell it would be padded to a square: 1.2 GB for 1 x 20,000 px.
MAX_ASPECT = 5.0


def nothing_to_screen(image: np.ndarray) -> str:
    """Why an image holds no cell to call, or none the model can call, or ''. The model would
    call a blank image all the same, and as a field it would read "no cells found", as if a
    smear had been looked at."""
    height, width = image.shape[:2]
    if max(height, width) > MAX_ASPECT * min(height, width):
        return (f"{STRIP}{width:,} x {height:,} px, over {MAX_ASPECT:g} times longer than "
                "wide, as no cell or field is")
    if is_blank(image):
        return BLANK
    if min(height, width) < MIN_SIDE:
        return (f"{TOO_SMALL}{width:,} x {height:,} px, and under {MIN_SIDE} px a side no "
                "cell can be seen")
    return GREY if is_grey(image) else ""


def is_blank(image: np.ndarray) -> bool:
    """True when no channel of an ``(H, W, 3)`` image varies by :data:`BLANK_SPREAD`."""
    _, spread = cv2.meanStdDev(image)  # no float copy of a large image, unlike numpy
    return float(spread.max()) < BLANK_SPREAD


def is_grey(image: np.ndarray) -> bool:
    """True when an ``(H, W, 3)`` image's channels are nearly equal (:data:`GREY_SPREAD`)."""
    step = max(1, max(image.shape[:2]) // _GREY_SAMPLES)
    # OpenCV's per-pixel max and min: numpy's reduction over 3 channels takes 0.8 ms a cell
    red, green, blue = cv2.split(np.ascontiguousarray(image[::step, ::step]))
    spread = cv2.subtract(cv2.max(cv2.max(red, green), blue), cv2.min(cv2.min(red, green), blue))
    coloured = cv2.countNonZero(cv2.threshold(spread, GREY_SPREAD, 1, cv2.THRESH_BINARY)[1])
    return coloured < min(0.01 * spread.size, GREY_MIN_COLOURED)


def could_not_screen(shape: tuple[int, int], exc: MemoryError | cv2.error) -> str:
    """Why an image of ``shape`` (``(0, 0)`` before it is decoded) could not be screened."""
    if isinstance(exc, cv2.error) and "Insufficient memory" not in str(exc):
        return f"OpenCV could not process this image: {str(exc).strip().rpartition('error: ')[2]}"
    height, width = shape
    if not height:
        return "not enough memory to decode this image"
    return f"not enough memory to screen this {width:,} x {height:,} px image"
