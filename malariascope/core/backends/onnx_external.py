"""Whether an ONNX model keeps tensors in other files ("external data").

Such a model passes its card's hash check while its weights, in another file, change freely,
so the app refuses it. The model's protobuf is walked by its wire format along the messages
that can hold a tensor, so the app needs no ``onnx`` package for it.
"""

from __future__ import annotations

from collections.abc import Iterator

#: Message -> {field number: message of that field}, along every path from the model to a
#: tensor (numbers from onnx.proto; a test checks them against the ``onnx`` package).
SCHEMA: dict[str, dict[int, str]] = {
    "ModelProto": {7: "GraphProto", 20: "TrainingInfoProto", 25: "FunctionProto"},
    "TrainingInfoProto": {1: "GraphProto", 2: "GraphProto"},
    "GraphProto": {1: "NodeProto", 5: "TensorProto", 15: "SparseTensorProto"},
    "FunctionProto": {7: "NodeProto"},
    "NodeProto": {5: "AttributeProto"},
    "AttributeProto": {5: "TensorProto", 6: "GraphProto", 10: "TensorProto", 11: "GraphProto",
                       22: "SparseTensorProto", 23: "SparseTensorProto"},
    "SparseTensorProto": {1: "TensorProto", 2: "TensorProto"},
    "TensorProto": {},
}
EXTERNAL_DATA, DATA_LOCATION, EXTERNAL = 13, 14, 1  # TensorProto's fields; DataLocation.EXTERNAL
VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5  # protobuf wire types
MAX_DEPTH = 100  # subgraphs (If, Loop) nest a few levels; more is no model


def uses_external_data(model: bytes) -> bool:
    """True when a tensor of the serialized ONNX ``model`` names a file for its data.

    Raises ``ValueError`` when ``model`` is not a well-formed protobuf.
    """
    return _refers_out(memoryview(model), "ModelProto", 0)


def _refers_out(message: memoryview, kind: str, depth: int) -> bool:
    if depth > MAX_DEPTH:
        raise ValueError("messages nested too deeply")
    for number, wire, value in _fields(message):
        if kind == "TensorProto":
            if (number == EXTERNAL_DATA and wire == LENGTH
                    or number == DATA_LOCATION and wire == VARINT and value == EXTERNAL):
                return True
        elif wire == LENGTH and number in SCHEMA[kind]:
            if _refers_out(value, SCHEMA[kind][number], depth + 1):
                return True
    return False


def _fields(message: memoryview) -> Iterator[tuple[int, int, int | memoryview | None]]:
    """``(field number, wire type, value)`` of each field; only varints and nested bytes are
    read, fixed-size values are skipped."""
    position, end = 0, len(message)
    while position < end:
        key, position = _varint(message, position)
        wire, value = key & 7, None
        if wire == VARINT:
            value, position = _varint(message, position)
        elif wire == LENGTH:
            length, position = _varint(message, position)
            value, position = message[position:position + length], position + length
        elif wire in (FIXED64, FIXED32):
            position += 8 if wire == FIXED64 else 4
        else:
            raise ValueError(f"unknown protobuf wire type {wire}")
        if position > end:
            raise ValueError("truncated protobuf")
        yield key >> 3, wire, value


def _varint(data: memoryview, position: int) -> tuple[int, int]:
    """The varint at ``position`` and the position after it."""
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("malformed protobuf varint")
        byte = data[position]
        value |= (byte & 0x7F) << shift
        position, shift = position + 1, shift + 7
        if byte < 0x80:
            return value, position
