"""Reading a GGUF file's header bytes defensively: a sequential reader that never goes past the
end of the file, metadata values (strings and arrays too long to keep are skipped, their lengths
kept) and tensor descriptions (each checked to lie inside the file). Every count and length is
bounded by the file's size. ``models.gguf_file`` says what the header means for the model."""

from __future__ import annotations

import io
import struct
from typing import Any

import gguf

MAX_KEY_BYTES = 4096
MAX_TENSOR_NAME_BYTES = 63  # ggml's GGML_MAX_NAME is 64 including the terminating zero
MAX_STORED_STRING = 1 << 20  # longer strings (e.g. an embedded tokenizer.json) are skipped
MAX_STORED_ARRAY = 4096  # longer arrays (token lists) are skipped; their length is kept
MAX_ARRAY_DEPTH = 3
MAX_DIMS = 4
MAX_ELEMENTS = 2**40

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?"}
_SCALARS |= {10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9

Scalar = int | float | bool | str


class GGUFError(ValueError):
    """A GGUF file that cannot be used; the message is one sentence naming the problem.

    ``kind`` says which problem, for callers that word it their own way: missing, unreadable,
    not_gguf, version, truncated, damaged, tensor_type, architecture, embedding, split."""

    def __init__(self, message: str, kind: str = "damaged") -> None:
        super().__init__(message)
        self.kind = kind


class Truncated(Exception):
    """The file ended inside its header."""


class Reader:
    """Sequential reads that never go past the end of the file."""

    def __init__(self, fh: io.BufferedReader, size: int) -> None:
        self.fh, self.size, self.pos = fh, size, 0

    def remaining(self) -> int:
        return self.size - self.pos

    def read(self, n: int) -> bytes:
        if n > self.remaining():
            raise Truncated
        data = self.fh.read(n)
        if len(data) != n:
            raise Truncated
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        if n > self.remaining():
            raise Truncated
        self.fh.seek(n, io.SEEK_CUR)
        self.pos += n

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]


class HeaderParser:
    """Metadata and tensor descriptions, read in the order the header holds them."""

    def __init__(self, reader: Reader, name: str) -> None:
        self.r, self.name = reader, name
        self.metadata: dict[str, Scalar] = {}
        self.arrays: dict[str, tuple[Any, ...]] = {}  # small numeric arrays (e.g. per-layer)
        self.array_lengths: dict[str, int] = {}

    def damaged(self, what: str) -> GGUFError:
        return GGUFError(f"{self.name} is damaged: {what}")

    def string_length(self, limit: int | None, what: str) -> int:
        length = self.r.unpack("<Q")
        if limit is not None and length > limit:
            raise self.damaged(f"{what} is {length:,} bytes long")
        if length > self.r.remaining():
            raise Truncated
        return length

    def string(self, limit: int, what: str) -> str:
        return self.r.read(self.string_length(limit, what)).decode("utf-8", errors="replace")

    def new_name(self, seen: set[str], limit: int, what: str, named: str) -> str:
        """A key or tensor name, which must not have appeared before."""
        name = self.string(limit, what)
        if name in seen:
            raise self.damaged(f"{named} '{name}' appears twice")
        seen.add(name)
        return name

    def value(self, vtype: int, key: str, depth: int) -> Any:
        """Read one value; strings and arrays too long to keep come back as None."""
        if vtype in _SCALARS:
            return self.r.unpack(_SCALARS[vtype])
        if vtype == _STRING:
            length = self.string_length(None, key)
            if length > MAX_STORED_STRING:
                self.r.skip(length)
                return None
            return self.r.read(length).decode("utf-8", errors="replace")
        if vtype == _ARRAY:
            if depth >= MAX_ARRAY_DEPTH:
                raise self.damaged(f"metadata '{key}' nests arrays too deeply")
            etype, count = self.r.unpack("<I"), self.r.unpack("<Q")
            if etype in _SCALARS:
                width = struct.calcsize(_SCALARS[etype])
                if count > self.r.remaining() // width:
                    raise Truncated
                if depth == 0:
                    self.array_lengths[key] = count
                if count > MAX_STORED_ARRAY:
                    self.r.skip(count * width)
                    return None
                return struct.unpack(f"<{count}{_SCALARS[etype][1]}", self.r.read(count * width))
            if etype not in (_STRING, _ARRAY):
                raise self.damaged(f"metadata '{key}' has an unknown value type {etype}")
            if count > self.r.remaining() // 8:  # every string or array takes 8 bytes or more
                raise Truncated
            if depth == 0:
                self.array_lengths[key] = count
            for _ in range(count):
                if etype == _STRING:
                    self.r.skip(self.string_length(None, key))
                else:
                    self.value(_ARRAY, key, depth + 1)
            return None
        raise self.damaged(f"metadata '{key}' has an unknown value type {vtype}")

    def read_metadata(self, n_kv: int) -> None:
        seen: set[str] = set()
        for _ in range(n_kv):
            key = self.new_name(seen, MAX_KEY_BYTES, "a metadata key", "the metadata key")
            vtype = self.r.unpack("<I")
            value = self.value(vtype, key, 0)
            if isinstance(value, tuple):
                self.arrays[key] = value
            elif value is not None and vtype != _ARRAY:
                self.metadata[key] = value

    def read_tensors(self, n_tensors: int, alignment: int) -> tuple[int, int]:
        """Check every tensor's description; return (bytes the file needs, element count)."""
        infos: list[tuple[str, int, int]] = []  # name, offset, nbytes
        names: set[str] = set()
        parameters = 0
        for _ in range(n_tensors):
            tname = self.new_name(names, MAX_TENSOR_NAME_BYTES, "a tensor name", "the tensor")
            n_dims = self.r.unpack("<I")
            if not 1 <= n_dims <= MAX_DIMS:
                raise self.damaged(f"tensor '{tname}' claims {n_dims} dimensions")
            dims = [self.r.unpack("<Q") for _ in range(n_dims)]
            elements = 1
            for d in dims:
                elements *= d
            if 0 in dims or elements > MAX_ELEMENTS:
                raise self.damaged(f"tensor '{tname}' has impossible dimensions {dims}")
            ggml_type, offset = self.r.unpack("<I"), self.r.unpack("<Q")
            sizes = gguf.GGML_QUANT_SIZES.get(ggml_type)  # type: ignore[call-overload]
            if sizes is None:
                raise GGUFError(
                    f"{self.name} stores tensor '{tname}' in a format (ggml type {ggml_type}) "
                    "that this version of Lantern cannot read",
                    "tensor_type",
                )
            block, type_size = sizes
            if dims[0] % block:
                raise self.damaged(f"tensor '{tname}' does not fit its format's blocks")
            parameters += elements
            infos.append((tname, offset, elements // block * type_size))
        data_start = -(-self.r.pos // alignment) * alignment
        expected, needed = 0, data_start
        for tname, offset, nbytes in infos:
            if offset != expected:
                raise self.damaged(f"tensor '{tname}' is not where the previous one ends")
            expected += -(-nbytes // alignment) * alignment
            needed = data_start + offset + nbytes
        return needed, parameters
