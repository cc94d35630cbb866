"""Cross-entropy that leaves out each batch's worst-fitting cells.

The NIH cell set holds cells filed under the wrong class. Once the network has learnt the
classes, such a cell is among those it disagrees with most, so leaving each batch's highest
losses out of the mean keeps those cells from pulling it towards the wrong class.
"""

from __future__ import annotations

import keras
from keras import ops


class TrimmedCrossEntropy(keras.losses.Loss):
    """Binary cross-entropy over a batch's cells but its ``trim`` share of highest losses."""

    def __init__(self, trim: float = 0.0, name: str = "trimmed_cross_entropy") -> None:
        super().__init__(name=name)
        self.trim = trim

    def call(self, y_true, y_pred):
        labels = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
        losses = keras.losses.binary_crossentropy(labels, y_pred)
        if self.trim == 0:
            return losses
        count = ops.shape(losses)[0]
        dropped = ops.cast(ops.cast(count, "float32") * self.trim, "int32")
        rank = ops.argsort(ops.argsort(losses))  # 0 for the lowest loss
        kept = ops.cast(rank < count - dropped, losses.dtype)
        # Scaled so the batch's mean is the mean over the cells kept.
        return losses * kept * ops.cast(count, losses.dtype) / ops.cast(count - dropped,
                                                                         losses.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "trim": self.trim}
