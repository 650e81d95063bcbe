"""Read a GGUF model file's header in Python, defensively, before llama.cpp ever sees it.

llama.cpp can abort the whole process on a damaged file, and ``gguf.GGUFReader`` memory-maps
the file and can allocate whatever a hostile header asks for. This parser reads the header
sequentially with every count and length bounded by the file's size, keeps only small values,
and checks that every tensor lies inside the file, so a cut-short copy, a file that is not a
model, an absurd tensor or an architecture this build cannot run is refused with one clear
sentence (:class:`GGUFError`) naming the file by its base name only."""

from __future__ import annotations

import io
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gguf

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32
MAX_TENSORS = 100_000  # real models have a few hundred to a few thousand
MAX_KV = 100_000  # real models have a few dozen
MAX_KEY_BYTES = 4096
MAX_TENSOR_NAME_BYTES = 63  # ggml's GGML_MAX_NAME is 64 including the terminating zero
MAX_STORED_STRING = 1 << 20  # longer strings (e.g. an embedded tokenizer.json) are skipped
MAX_STORED_ARRAY = 4096  # longer arrays (token lists) are skipped; their length is kept
MAX_ARRAY_DEPTH = 3
MAX_DIMS = 4
MAX_ELEMENTS = 2**40

# Decoder (text-generating) architectures that the llama.cpp bundled with llama-cpp-python
# 0.3.x runs, by their GGUF names (each is in its architecture table). Vision projectors,
# OCR, diffusion and encoder-decoder models are left out: they cannot answer a question.
CHAT_ARCHITECTURES = frozenset(
    """
    afmoe apertus arcee arctic arwkv7 baichuan bailingmoe bailingmoe2 bitnet bloom chatglm
    codeshell cohere2 command-r dbrx deci deepseek deepseek2 dots1 ernie4_5 ernie4_5-moe exaone
    exaone-moe exaone4 falcon falcon-h1 gemma gemma2 gemma3 gemma3n glm4 glm4moe gpt-oss gpt2
    gptj gptneox granite granitehybrid granitemoe grok grovemoe hunyuan-dense hunyuan-moe
    internlm2 jais jamba lfm2 lfm2moe llama llama4 mamba mamba2 minicpm minicpm3 minimax-m2
    mistral3 mpt nemotron nemotron_h nemotron_h_moe olmo olmo2 olmoe openelm orion
    pangu-embedded phi2 phi3 phimoe plamo plamo2 plm qwen qwen2 qwen2moe qwen2vl qwen3
    qwen3moe qwen3next qwen3vl qwen3vlmoe refact rwkv6 rwkv6qwen2 rwkv7 seed_oss smallthinker
    smollm3 stablelm starcoder starcoder2 xverse
    """.split()
)
# Sentence-embedding models: valid for the embedding slot, never as the chat model.
EMBEDDING_ARCHITECTURES = frozenset(
    """
    bert nomic-bert nomic-bert-moe jina-bert-v2 jina-bert-v3 modern-bert neo-bert eurobert
    gemma-embedding llama-embed t5encoder
    """.split()
)

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


class _Truncated(Exception):
    """The file ended inside its header."""


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    file_size: int
    version: int
    architecture: str
    name: str
    context_length: int
    block_count: int
    embedding_length: int
    head_count: int
    head_count_kv: int
    key_length: int
    value_length: int
    chat_template: str | None
    vocab_size: int
    tensor_count: int
    parameter_count: int
    file_type: int | None
    embedding_only: bool
    metadata: dict[str, Scalar] = field(repr=False)
    array_lengths: dict[str, int] = field(repr=False)

    @property
    def quantization(self) -> str:
        """The file type's usual name (``Q4_K_M``), or "" when the file does not say."""
        if self.file_type is None:
            return ""
        try:
            name = gguf.LlamaFileType(self.file_type).name
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
        except ValueError:
            return f"type {self.file_type}"

    def summary(self) -> str:
        """One line for lists: architecture, size, quantization and context."""
        parts = [self.architecture, f"{parameters_text(self.parameter_count)} parameters"]
        if self.quantization:
            parts.append(self.quantization)
        if self.context_length:
            parts.append(f"{self.context_length:,}-token context")
        return ", ".join(parts)


def human_size(n: int) -> str:
    """Bytes as people read them: 650 kB, 1.2 MB, 3.4 GB (decimal units, as file managers)."""
    value = float(n)
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            if unit == "bytes":
                return f"{int(value)} bytes"
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def parameters_text(count: int) -> str:
    if count >= 1e9:
        return f"{count / 1e9:.1f}B"
    if count >= 1e6:
        return f"{count / 1e6:.1f}M"
    return f"{count:,}"


def _two_sizes(a: int, b: int) -> tuple[str, str]:
    """Two sizes that read differently even when they round to the same figure."""
    sa, sb = human_size(a), human_size(b)
    return (sa, sb) if sa != sb else (f"{a:,} bytes", f"{b:,} bytes")


def _describe_start(head: bytes) -> str:
    """What a non-GGUF file looks like, for the refusal message."""
    if not head:
        return "it is empty"
    lowered = head.lstrip().lower()
    if lowered.startswith(b"version https://git-lfs"):
        return "it is a Git LFS pointer: a link to the model, not the model itself"
    if lowered.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
        return "it is a web page, not the model: the download saved the page instead"
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive: unpack it first"
    if head.startswith(b"%PDF"):
        return "it is a PDF document"
    if head[:4] in (b"lmgg", b"tjgg", b"fmgg"):
        return "it is an old GGML model; Lantern needs the GGUF version of the model"
    if len(head) >= 10 and head[8:10] == b'{"':
        return "it is a safetensors file; Lantern needs the GGUF version of the model"
    first = head[:4]
    if all(32 <= b < 127 for b in first):
        return f"it starts with '{first.decode('ascii')}'"
    return "it starts with the bytes " + " ".join(f"{b:02X}" for b in first)


class _Reader:
    """Sequential reads that never go past the end of the file."""

    def __init__(self, fh: io.BufferedReader, size: int) -> None:
        self.fh, self.size, self.pos = fh, size, 0

    def remaining(self) -> int:
        return self.size - self.pos

    def read(self, n: int) -> bytes:
        if n > self.remaining():
            raise _Truncated
        data = self.fh.read(n)
        if len(data) != n:
            raise _Truncated
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        if n > self.remaining():
            raise _Truncated
        self.fh.seek(n, io.SEEK_CUR)
        self.pos += n

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]


class _Parser:
    def __init__(self, reader: _Reader, name: str) -> None:
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
            raise _Truncated
        return length

    def string(self, limit: int, what: str) -> str:
        return self.r.read(self.string_length(limit, what)).decode("utf-8", errors="replace")

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
                    raise _Truncated
                if depth == 0:
                    self.array_lengths[key] = count
                if count > MAX_STORED_ARRAY:
                    self.r.skip(count * width)
                    return None
                return struct.unpack(f"<{count}{_SCALARS[etype][1]}", self.r.read(count * width))
            if etype not in (_STRING, _ARRAY):
                raise self.damaged(f"metadata '{key}' has an unknown value type {etype}")
            if count > self.r.remaining() // 8:  # every string or array takes 8 bytes or more
                raise _Truncated
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
            key = self.string(MAX_KEY_BYTES, "a metadata key")
            if key in seen:
                raise self.damaged(f"the metadata key '{key}' appears twice")
            seen.add(key)
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
            tname = self.string(MAX_TENSOR_NAME_BYTES, "a tensor name")
            if tname in names:
                raise self.damaged(f"the tensor '{tname}' appears twice")
            names.add(tname)
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


def read_gguf_info(path: Path, *, require_chat: bool = True) -> GGUFInfo:
    """Validate a GGUF file's header and describe the model. Raises :class:`GGUFError`.

    ``require_chat`` refuses sentence-embedding models (the default: the chat model's
    checks); the embedding model's own check passes False."""
    path = Path(path)
    name = path.name
    try:
        st = path.stat()
    except FileNotFoundError:
        raise GGUFError(f"{name} was not found", "missing") from None
    except OSError as exc:
        raise GGUFError(f"{name} cannot be read ({exc.strerror or exc})", "unreadable") from exc
    if not stat.S_ISREG(st.st_mode):
        raise GGUFError(f"{name} is not a file", "missing")
    try:
        with path.open("rb", buffering=1 << 20) as fh:
            return _parse(_Reader(fh, st.st_size), path, require_chat)
    except OSError as exc:
        raise GGUFError(f"{name} cannot be read ({exc.strerror or exc})", "unreadable") from exc


def _parse(reader: _Reader, path: Path, require_chat: bool) -> GGUFInfo:
    name, size = path.name, reader.size
    head = reader.fh.peek(32)[:32] if size else b""
    if size < 4 or head[:4] != GGUF_MAGIC:
        raise GGUFError(f"{name} is not a GGUF model file ({_describe_start(head)})", "not_gguf")
    p = _Parser(reader, name)
    try:
        reader.skip(4)
        version = reader.unpack("<I")
        if version not in SUPPORTED_VERSIONS:
            if struct.unpack(">I", struct.pack("<I", version))[0] in SUPPORTED_VERSIONS:
                raise GGUFError(
                    f"{name} is a big-endian GGUF file, which Lantern cannot run", "version"
                )
            raise GGUFError(
                f"{name} uses GGUF version {version}, which this version of Lantern cannot "
                "read (it reads versions 2 and 3)",
                "version",
            )
        n_tensors, n_kv = reader.unpack("<Q"), reader.unpack("<Q")
        if n_tensors > MAX_TENSORS or n_kv > MAX_KV:
            raise p.damaged(f"its header claims {n_tensors:,} tensors and {n_kv:,} metadata keys")
        if n_tensors == 0:
            raise GGUFError(f"{name} contains no model weights (no tensors)")
        p.read_metadata(n_kv)
        arch = _check_architecture(p, name, require_chat)
        alignment = p.metadata.get("general.alignment", DEFAULT_ALIGNMENT)
        if not isinstance(alignment, int) or alignment < 1 or alignment & (alignment - 1):
            raise p.damaged(f"its alignment {alignment!r} is not a power of two")
        needed, parameters = p.read_tensors(n_tensors, alignment)
    except _Truncated:
        raise GGUFError(
            f"{name} is incomplete: it ends at {human_size(size)}, inside its header "
            "(an interrupted copy or download?)",
            "truncated",
        ) from None
    if needed > size:
        ends, needs = _two_sizes(size, needed)
        raise GGUFError(
            f"{name} is incomplete: it ends at {ends} but its tensors need {needs} "
            "(an interrupted copy or download?)",
            "truncated",
        )
    return _info(p, path, size, version, arch, n_tensors, parameters)


def _check_architecture(p: _Parser, name: str, require_chat: bool) -> str:
    arch = p.metadata.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise GGUFError(f"{name} does not say which model architecture it uses", "architecture")
    splits = p.metadata.get("split.count", 1)
    if isinstance(splits, int) and splits > 1:
        raise GGUFError(
            f"{name} is one part of a model split into {splits} files; Lantern needs the model "
            "as one file (join the parts with llama.cpp's gguf-split --merge)",
            "split",
        )
    if arch in EMBEDDING_ARCHITECTURES:
        if require_chat:
            raise GGUFError(
                f"{name} is a sentence-embedding model ('{arch}'), not a chat model: "
                "it cannot write answers",
                "embedding",
            )
    elif arch not in CHAT_ARCHITECTURES:
        raise GGUFError(
            f"{name} uses the model architecture '{arch}', which this version of Lantern "
            "cannot run",
            "architecture",
        )
    return arch


def _int(p: _Parser, key: str, default: int = 0) -> int:
    """An integer hyperparameter; a per-layer array counts as its largest value."""
    value = p.metadata.get(key, p.arrays.get(key))
    if isinstance(value, tuple):
        value = max((v for v in value if isinstance(v, int | float)), default=default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def _info(
    p: _Parser, path: Path, size: int, version: int, arch: str, n_tensors: int, params: int
) -> GGUFInfo:
    embd = _int(p, f"{arch}.embedding_length")
    heads = _int(p, f"{arch}.attention.head_count")
    heads_kv = _int(p, f"{arch}.attention.head_count_kv", heads)
    head_dim = embd // heads if heads else 0
    vocab = _int(p, f"{arch}.vocab_size") or p.array_lengths.get("tokenizer.ggml.tokens", 0)
    template = p.metadata.get("tokenizer.chat_template")
    title = p.metadata.get("general.name")
    file_type = p.metadata.get("general.file_type")
    return GGUFInfo(
        path=path,
        file_size=size,
        version=version,
        architecture=arch,
        name=title if isinstance(title, str) and title.strip() else path.stem,
        context_length=_int(p, f"{arch}.context_length"),
        block_count=_int(p, f"{arch}.block_count"),
        embedding_length=embd,
        head_count=heads,
        head_count_kv=heads_kv,
        key_length=_int(p, f"{arch}.attention.key_length", head_dim),
        value_length=_int(p, f"{arch}.attention.value_length", head_dim),
        chat_template=template if isinstance(template, str) else None,
        vocab_size=vocab,
        tensor_count=n_tensors,
        parameter_count=params,
        file_type=file_type if isinstance(file_type, int) else None,
        embedding_only=arch in EMBEDDING_ARCHITECTURES,
        metadata=dict(p.metadata),
        array_lengths=dict(p.array_lengths),
    )
