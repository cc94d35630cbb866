"""The names and bounds a user chooses from, shared by the core and the command line.

This module imports nothing, so that the CLI's parser can offer these choices while ``--help``
stays instant.
"""

from __future__ import annotations

from typing import Literal

Mode = Literal["auto", "cell", "field"]
#: What an image is screened as: as it looks, always one cell, or always a whole field.
MODES: tuple[Mode, ...] = ("auto", "cell", "field")

#: Inference backends: ONNX Runtime (the app's) and TensorFlow (the ``train`` extra's).
BACKENDS = ("onnx", "tensorflow")

#: The model's input side in pixels: it pools three times by 2 (``training.model``), and a
#: side above the largest training cell (394 px) only costs time.
MIN_INPUT_SIZE, MAX_INPUT_SIZE = 8, 512

#: The least cell radius in px a field is searched with: the radius estimate takes only
#: distance maxima deeper than this (``core.fields.mask``), and a cell under twice this across
#: is too small to show its inside (``core.screenable.MIN_SIDE``). The search's time grows
#: steeply below it: 9 s for a 1280x960 field at 8 px, over five minutes at 2 px.
MIN_CELL_RADIUS = 8
#: The largest: the 30 IML fields' cells are 28 to 39 px in radius as estimated, and cell
#: finding gives the same cells on those fields scaled up five times (``core.fields.mask``).
#: A radius far above a field's own finds no cell in it.
MAX_CELL_RADIUS = 200

#: Cells per class of the test part held out of the class folders as published (``core.split``).
TEST_PER_CLASS = 1300

#: The model's classes, index = label; parasitized is the positive class. Folders of labelled
#: cells are named after them, and a model card must name them so.
CLASS_NAMES = ("uninfected", "parasitized")
