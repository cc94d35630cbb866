"""Lab adaptation: refit the model's head and calibration on a lab's reviewed cells.

Qt-free and numpy-only at run time (the installed app has no SciPy or scikit-learn). The
network is not changed: its ONNX file outputs last-conv features, and an adapted model is a
new card (head, temperature, thresholds, healthy-cell statistics) that runs on the base's
file, found by its hash.

- ``run.open_source(path, annotations)``: class folders, annotated fields (``sources``) or
  a reviewed report CSV (``reports``).
- ``registered.open_case(folder, uid)``: a signed case of the case register, its reviewed
  cells read as a report's are.
- ``run.adapt(sources, base, progress)`` -> ``Adaptation`` (figures before and after), or
  ``TooFewCellsError`` / ``WorseThanBaseError`` / ``SourceChangedError`` /
  ``CallsDisagreeError``; a cell given again by any source is used once (``repeats``).
- ``run.write_model(adaptation, out_dir, overwrite)``: the model folder, usable as ``--model``.
- ``wording``: an adaptation's figures in the words the command line, the window and the
  adapted model's README share.
- ``unlike.unlike_cells(results, rule, card)``: whether a batch looks unlike the model's cells.
"""
