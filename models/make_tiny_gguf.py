"""Generate a tiny llama-architecture GGUF for tests: random weights, a vocabulary this script
writes itself, a chat template in the metadata. A few hundred kB, made in well under a second.

Its text is nonsense by design; tests check behaviour (load, stream, stop, crash, refusal), not
prose. ``--preset bench`` makes a larger random model (tens of MB) whose per-token cost is
closer to a real small model's, for the LLM benchmark.

    python models/make_tiny_gguf.py OUT.gguf [--preset tiny|bench] [--seed N]
    python models/make_tiny_gguf.py OUT.gguf --truncated    # also OUT.truncated.gguf
    python models/make_tiny_gguf.py OUT.gguf --bad-header   # also OUT.bad-header.gguf
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import gguf
import numpy as np

# A ChatML-like template written with plain-text markers, so the small vocabulary can hold it.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>\n{{ message['content'] }}</s>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

_WORDS = """
the a an and or of to in on for with is are be can may not this that it you your her she
they them we our care team doctor nurse oncologist cancer breast tumour tumor cell cells
treatment therapy surgery radiation chemotherapy hormone endocrine drug drugs medicine side
effect effects blood count test tests scan result results stage grade receptor positive
negative her2 er pr low high risk trial trials study studies option options ask question
questions about when how what why who which more less most some many often sometimes usually
help helps helped feel tired fatigue nausea pain bone heart liver lung brain skin hair
week weeks month months year years day days time first second after before during while
also but if because so than then there here these those each other such only very well
ribociclib palbociclib abemaciclib tamoxifen letrozole anastrozole exemestane fulvestrant
trastuzumab pertuzumab neutropenia fever infection clinic call urgent symptoms check checks
monitor monitoring regular plan plans standard research new people patients patient women
men life living support health healthy exercise food diet sleep stress mind body
""".split()
_PUNCT = [".", ",", "?", "!", ":", ";", "(", ")", "[", "]", "1", "2", "3", "4", "5", "-", "'"]
_MARKERS = ["<|system|>", "<|user|>", "<|assistant|>"]


@dataclass(frozen=True)
class Shape:
    embd: int
    layers: int
    heads: int
    kv_heads: int
    ff: int
    context: int
    dtype: type


PRESETS = {
    "tiny": Shape(embd=64, layers=2, heads=4, kv_heads=2, ff=128, context=4096, dtype=np.float32),
    "bench": Shape(
        embd=512, layers=8, heads=8, kv_heads=4, ff=1536, context=4096, dtype=np.float16
    ),
}


def vocabulary() -> tuple[list[str], list[float], list[int]]:
    """Tokens, scores and token types of an SPM ("llama") vocabulary with byte fallback."""
    tokens = ["<unk>", "<s>", "</s>"]
    types = [
        gguf.TokenType.UNKNOWN,
        gguf.TokenType.CONTROL,
        gguf.TokenType.CONTROL,
    ]
    tokens += [f"<0x{b:02X}>" for b in range(256)]
    types += [gguf.TokenType.BYTE] * 256
    pieces = list(dict.fromkeys(["\u2581" + w for w in _WORDS] + _WORDS + _PUNCT + ["\u2581"]))
    pieces += [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in pieces]
    pieces += [*_MARKERS, "\n"]
    tokens += pieces
    types += [gguf.TokenType.NORMAL] * len(pieces)
    # longer pieces score higher so the tokenizer prefers whole words
    scores = [0.0] * 259 + [-100.0 + len(p) for p in pieces]
    return tokens, scores, [int(t) for t in types]


def write_model(path: Path, preset: str = "tiny", seed: int = 0) -> Path:
    """Write a random-weight llama GGUF to ``path`` and return it."""
    shape = PRESETS[preset]
    rng = np.random.default_rng(seed)
    tokens, scores, types = vocabulary()
    n_vocab, d, head_dim = len(tokens), shape.embd, shape.embd // shape.heads
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(f"lantern-{preset}-test-model")
    writer.add_context_length(shape.context)
    writer.add_embedding_length(d)
    writer.add_block_count(shape.layers)
    writer.add_feed_forward_length(shape.ff)
    writer.add_head_count(shape.heads)
    writer.add_head_count_kv(shape.kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if shape.dtype == np.float16 else 0)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_chat_template(CHAT_TEMPLATE)

    def weight(*dims: int, scale: float = 0.02) -> np.ndarray:
        return (rng.standard_normal(dims) * scale).astype(shape.dtype)

    def norm(n: int) -> np.ndarray:
        return np.ones(n, dtype=np.float32)  # norms stay f32, as llama.cpp expects

    kv = shape.kv_heads * head_dim
    writer.add_tensor("token_embd.weight", weight(n_vocab, d, scale=1.0))
    for i in range(shape.layers):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", norm(d))
        writer.add_tensor(f"blk.{i}.attn_q.weight", weight(d, d))
        writer.add_tensor(f"blk.{i}.attn_k.weight", weight(kv, d))
        writer.add_tensor(f"blk.{i}.attn_v.weight", weight(kv, d))
        writer.add_tensor(f"blk.{i}.attn_output.weight", weight(d, d))
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", norm(d))
        writer.add_tensor(f"blk.{i}.ffn_gate.weight", weight(shape.ff, d))
        writer.add_tensor(f"blk.{i}.ffn_up.weight", weight(shape.ff, d))
        writer.add_tensor(f"blk.{i}.ffn_down.weight", weight(d, shape.ff))
    writer.add_tensor("output_norm.weight", norm(d))
    output = weight(n_vocab, d, scale=1.0)
    output[:3] = 0  # <unk>, <s>, </s> never win: generation runs to max_tokens or a Stop
    writer.add_tensor("output.weight", output)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def truncated_copy(source: Path, target: Path, keep: float = 0.6) -> Path:
    """A copy cut short (as a failed download or a full USB stick leaves it)."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def bad_header_copy(source: Path, target: Path) -> Path:
    """A copy whose magic number and version are overwritten."""
    data = bytearray(source.read_bytes())
    data[0:8] = b"GGUX\xff\xff\xff\x7f"
    target.write_bytes(bytes(data))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="tiny")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--truncated", action="store_true")
    parser.add_argument("--bad-header", action="store_true")
    args = parser.parse_args(argv)
    out = write_model(args.out, args.preset, args.seed)
    print(f"{out} ({out.stat().st_size:,} bytes)")
    if args.truncated:
        print(truncated_copy(out, out.with_suffix(".truncated.gguf")))
    if args.bad_header:
        print(bad_header_copy(out, out.with_suffix(".bad-header.gguf")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
