"""Read a GGUF model file's header in Python, defensively, before llama.cpp ever sees it, and
say what it means: the model's architecture, size, context and hyperparameters (:class:`GGUFInfo`).

llama.cpp can abort the whole process on a damaged file, and ``gguf.GGUFReader`` memory-maps
the file and can allocate whatever a hostile header asks for. The header is read sequentially
(``models.gguf_header``) with every count and length bounded by the file's size, keeping only
small values, and every tensor is checked to lie inside the file, so a cut-short copy, a file
that is not a model, an absurd tensor or an architecture this build cannot run is refused with
one clear sentence (:class:`GGUFError`) naming the file by its base name only."""

from __future__ import annotations

import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path

import gguf

from desktop.core.models.gguf_header import GGUFError, HeaderParser, Reader, Scalar, Truncated

__all__ = [
    "CHAT_ARCHITECTURES",
    "EMBEDDING_ARCHITECTURES",
    "GGUFError",
    "GGUFInfo",
    "human_size",
    "parameters_text",
    "read_gguf_info",
]

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32
MAX_TENSORS = 100_000  # real models have a few hundred to a few thousand
MAX_KV = 100_000  # real models have a few dozen

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
            return _parse(Reader(fh, st.st_size), path, require_chat)
    except OSError as exc:
        raise GGUFError(f"{name} cannot be read ({exc.strerror or exc})", "unreadable") from exc


def _parse(reader: Reader, path: Path, require_chat: bool) -> GGUFInfo:
    name, size = path.name, reader.size
    head = reader.fh.peek(32)[:32] if size else b""
    if size < 4 or head[:4] != GGUF_MAGIC:
        raise GGUFError(f"{name} is not a GGUF model file ({_describe_start(head)})", "not_gguf")
    p = HeaderParser(reader, name)
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
    except Truncated:
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


def _check_architecture(p: HeaderParser, name: str, require_chat: bool) -> str:
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


def _int(p: HeaderParser, key: str, default: int = 0) -> int:
    """An integer hyperparameter; a per-layer array counts as its largest value."""
    value = p.metadata.get(key, p.arrays.get(key))
    if isinstance(value, tuple):
        value = max((v for v in value if isinstance(v, int | float)), default=default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def _info(
    p: HeaderParser, path: Path, size: int, version: int, arch: str, n_tensors: int, params: int
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
