"""The embedding model: a GGUF sentence-embedding model run through llama-cpp-python.

Mean pooling and L2-normalised vectors. ``embed_segmented`` embeds a passage once and also
returns a vector for each of its pieces (the mean of that piece's token vectors, computed with
the whole passage in view: "late chunking"), which is how the index gets passage and sentence
vectors from one pass. The model file is named by ``models/embedding.toml``
(or the ``embedding_model`` setting); its identity (name and sha256) is stored with every index
so that a changed model re-embeds. The file's GGUF header is checked in Python before llama.cpp
sees it, so a corrupt file gives a clear error instead of aborting the process."""

from __future__ import annotations

import hashlib
import os
import threading
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.core import resources

# Texts are cut to the model's trained length (256 word pieces), so one batch of 256 tokens
# always fits a text; larger batches are slower here because attention over a batch is
# computed across all of its sequences (see bench/embedding_throughput.py).
DEFAULT_BATCH_TOKENS = 256


class EmbeddingModelError(RuntimeError):
    """The embedding model is missing or unusable; the message says what to do."""


@dataclass(frozen=True)
class Segmented:
    """One passage embedded once: its vector and one vector per piece (None when a piece was
    cut off by the model's length limit or its tokens could not be aligned)."""

    whole: list[float]
    parts: list[list[float] | None]


@dataclass(frozen=True)
class EmbeddingSpec:
    name: str
    path: Path
    dimensions: int
    max_tokens: int


def embedding_spec(override: Path | None = None) -> EmbeddingSpec:
    """The configured embedding model: ``models/embedding.toml`` unless a path is given."""
    manifest_path = resources.models_dir() / "embedding.toml"
    try:
        manifest = tomllib.loads(manifest_path.read_text(encoding="utf-8"))["embedding"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise EmbeddingModelError(f"cannot read {manifest_path}: {exc}") from exc
    if override is not None:
        return EmbeddingSpec(override.stem, override, 0, 256)
    return EmbeddingSpec(
        name=str(manifest["name"]),
        path=resources.models_dir() / str(manifest["file"]),
        dimensions=int(manifest["dimensions"]),
        max_tokens=int(manifest.get("max_tokens", 256)),
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_gguf(path: Path) -> None:
    """Check a GGUF file's header in Python before llama.cpp sees it.

    The bounded parser in ``desktop.core.models.gguf_file`` reads the magic number, version,
    metadata and tensor table and checks every tensor lies inside the file. Raises
    EmbeddingModelError with a clear reason."""
    from desktop.core.models.gguf_file import GGUFError, read_gguf_info

    if not path.is_file():
        raise EmbeddingModelError(
            f"embedding model not found at {path}; run 'make run' or "
            "'python models/prepare_embedding.py' to prepare it"
        )
    try:
        read_gguf_info(path, require_chat=False)
    except GGUFError as exc:
        again = "prepare it again with 'python models/prepare_embedding.py'"
        if exc.kind == "truncated":
            raise EmbeddingModelError(f"the embedding model is truncated: {exc}; {again}") from exc
        raise EmbeddingModelError(f"the embedding model cannot be used: {exc}; {again}") from exc


_LOG_CALLBACK: object = None


def quiet_llama_logs() -> None:
    """Route llama.cpp's own log lines into Python logging at debug level.

    llama.cpp prints some warnings straight to stderr even with ``verbose=False``; the CLI's
    stderr is for Lantern's own one-line messages."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return
    import ctypes
    import logging

    import llama_cpp

    log = logging.getLogger("lantern.llama")

    @llama_cpp.llama_log_callback
    def _callback(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        log.debug("%s", text.decode("utf-8", errors="replace").rstrip())

    llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))
    _LOG_CALLBACK = _callback  # keep a reference: ctypes callbacks must outlive their use


class Embedder:
    """Embeds text with a llama.cpp embedding model. Thread-safe (calls are serialised)."""

    def __init__(
        self,
        spec: EmbeddingSpec,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
        threads: int | None = None,
    ) -> None:
        check_gguf(spec.path)
        quiet_llama_logs()
        from llama_cpp import LLAMA_POOLING_TYPE_MEAN, Llama

        self.spec = spec
        self._lock = threading.Lock()
        self.identity = f"{spec.name}:{file_sha256(spec.path)[:16]}"
        batch_tokens = max(batch_tokens, spec.max_tokens)
        try:
            self._model = Llama(
                model_path=str(spec.path),
                embedding=True,
                pooling_type=LLAMA_POOLING_TYPE_MEAN,
                n_ctx=batch_tokens,
                n_batch=batch_tokens,
                n_ubatch=batch_tokens,
                n_threads=threads or max(1, os.cpu_count() or 1),
                flash_attn=True,  # ~20% less CPU per text here (bench/embedding_throughput.py)
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise EmbeddingModelError(f"cannot load {spec.path.name}: {exc}") from exc
        self.dimensions = int(self._model.n_embd())
        self._batch_tokens = batch_tokens
        self._threads = threads or max(1, os.cpu_count() or 1)
        self._tokens_model = None  # a second context with per-token output, made on first use

    def _truncate(self, text: str) -> str:
        """Keep texts within the model's trained length (word-piece tokens)."""
        tokens = self._model.tokenize(text.encode("utf-8"), add_bos=False)
        if len(tokens) <= self.spec.max_tokens - 2:
            return text
        kept = self._model.detokenize(tokens[: self.spec.max_tokens - 2])
        return kept.decode("utf-8", errors="ignore")

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Normalised embeddings, one per text (empty text embeds as a single space)."""
        if not texts:
            return []
        cleaned = [self._truncate(t) if t.strip() else " " for t in texts]
        with self._lock:
            vectors = self._model.embed(cleaned, normalize=True, truncate=True)
        return [list(map(float, v)) for v in vectors]

    def embed_one(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def _per_token_model(self):  # -> llama_cpp.Llama with pooling NONE
        if self._tokens_model is None:
            from llama_cpp import LLAMA_POOLING_TYPE_NONE, Llama

            self._tokens_model = Llama(
                model_path=str(self.spec.path),
                embedding=True,
                pooling_type=LLAMA_POOLING_TYPE_NONE,
                n_ctx=self._batch_tokens,
                n_batch=self._batch_tokens,
                n_ubatch=self._batch_tokens,
                n_threads=self._threads,
                flash_attn=True,
                verbose=False,
            )
        return self._tokens_model

    def embed_segmented(self, groups: Sequence[Sequence[str]]) -> list[Segmented]:
        """Embed each group of pieces as one text (the pieces joined by spaces).

        ``whole`` is the mean of all the text's token vectors (what ``embed`` returns for the
        joined text, up to rounding); each part is the mean of its own tokens' vectors, which
        saw the whole text through attention. Parts beyond the model's length limit are None.
        """
        with self._lock:
            model = self._per_token_model()
            sequences: list[tuple[list[int], list[tuple[int, int] | None]]] = []
            # the same framing ``embed`` gives a text ([CLS] ... [SEP] for BERT models)
            framing = model.tokenize(b"", add_bos=True)
            head, tail = framing[:1], framing[1:]
            limit = self.spec.max_tokens - len(tail)
            for pieces in groups:
                tokens = list(head)
                spans: list[tuple[int, int] | None] = []
                for piece in pieces:
                    ids = model.tokenize(piece.encode("utf-8"), add_bos=False) if piece else []
                    if not ids or len(tokens) + len(ids) > limit:
                        spans.append(None)
                        if ids:
                            tokens.extend(ids[: max(0, limit - len(tokens))])
                        continue
                    spans.append((len(tokens), len(tokens) + len(ids)))
                    tokens.extend(ids)
                tokens.extend(tail)
                sequences.append((tokens, spans))
            return [
                self._pool(vectors, spans)
                for vectors, (_, spans) in zip(
                    self._token_vectors(model, [t for t, _ in sequences]), sequences, strict=True
                )
            ]

    def _token_vectors(self, model, sequences: list[list[int]]) -> list[np.ndarray]:
        """Per-token output vectors of each sequence, several sequences per decode."""
        import llama_cpp

        out: list[np.ndarray] = []
        pending: list[list[int]] = []

        def flush() -> None:
            if not pending:
                return
            model._batch.reset()
            for seq_id, tokens in enumerate(pending):
                model._batch.add_sequence(tokens, seq_id, True)
            model._ctx.kv_cache_clear()
            model._ctx.decode(model._batch)
            total = sum(len(t) for t in pending)
            ptr = llama_cpp.llama_get_embeddings(model._ctx.ctx)
            rows = np.ctypeslib.as_array(ptr, shape=(total, self.dimensions)).copy()
            start = 0
            for tokens in pending:
                out.append(rows[start : start + len(tokens)])
                start += len(tokens)
            pending.clear()

        max_sequences = int(model.context_params.n_seq_max)
        for tokens in sequences:
            full = sum(len(t) for t in pending) + len(tokens) > self._batch_tokens
            if full or len(pending) >= max_sequences:
                flush()
            pending.append(tokens)
        flush()
        return out

    @staticmethod
    def _pool(vectors: np.ndarray, spans: list[tuple[int, int] | None]) -> Segmented:
        def unit(v: np.ndarray) -> list[float]:
            norm = float(np.linalg.norm(v))
            return (v / norm if norm else v).astype(float).tolist()

        parts = [
            None if span is None else unit(vectors[span[0] : span[1]].mean(axis=0))
            for span in spans
        ]
        return Segmented(unit(vectors.mean(axis=0)), parts)

    def close(self) -> None:
        self._model.close()
        if self._tokens_model is not None:
            self._tokens_model.close()
