"""The model host: the child process that runs llama-cpp-python, speaking JSON lines.

llama.cpp can abort its whole process on a bad file or when memory runs out, so the model never
runs in the window's process. Requests arrive one JSON object per line on stdin and are served
one at a time; events go back one JSON object per line on the original stdout (anything else
that writes to fd 1, such as llama.cpp itself, is sent to stderr instead). A reader thread
takes ``cancel`` at any moment: llama.cpp's abort callback ends the running decode (prompt or
token) within milliseconds, and the model stays loaded.

Requests: ``load`` {path, n_ctx, n_threads, seed}, ``generate`` {id, messages, max_tokens,
temperature, top_p, seed}, ``count`` {id, texts, messages}, ``cancel`` {id}, ``shutdown``.
Events: ``ready``, ``loaded``, ``token`` {id, text}, ``done`` {id, reason, stats}, ``counted``,
``error`` {id, message}. Prompt text never reaches a log: errors carry llama.cpp's message only.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from typing import Any, TextIO

# a new generation request may reuse the KV cache of the previous prompt's common prefix;
# the prompt is evaluated in chunks of this many tokens (the abort callback ends a chunk early)
PREFILL_CHUNK = 256


class Host:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.out_lock = threading.Lock()
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.cancelled: set[int] = set()
        self.current = 0  # the id of the request being served
        self.llm: Any = None
        self.formatter: Any = None
        self._abort_cb: Any = None

    # ---- io
    def send(self, event: str, **fields: Any) -> None:
        line = json.dumps({"event": event, **fields}, ensure_ascii=False)
        with self.out_lock:
            self.out.write(line + "\n")
            self.out.flush()

    def read_requests(self, stream: TextIO) -> None:
        for line in stream:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("op") == "cancel":
                self.cancelled.add(int(msg.get("id", self.current)))
            else:
                self.requests.put(msg)
        self.cancelled.add(self.current)  # the window went away: stop and leave
        self.requests.put({"op": "shutdown"})

    def aborting(self) -> bool:
        return self.current in self.cancelled

    # ---- requests
    def serve(self) -> None:
        self.send("ready", pid=os.getpid())
        while True:
            msg = self.requests.get()
            op, rid = msg.get("op"), int(msg.get("id", 0))
            if op == "shutdown":
                return
            self.current = rid
            try:
                if op == "load":
                    self.load(msg)
                elif op == "generate":
                    self.generate(msg)
                elif op == "count":
                    self.count(msg)
                else:
                    self.send("error", id=rid, message=f"unknown request {op!r}")
            except Exception as exc:  # the message only: never the prompt
                self.send("error", id=rid, message=f"{type(exc).__name__}: {exc}"[:500])
            finally:
                self.cancelled.discard(rid)

    def load(self, msg: dict[str, Any]) -> None:
        from llama_cpp import Llama, llama_cpp
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        started = time.perf_counter()
        self.llm = None
        kwargs: dict[str, Any] = {"n_ctx": int(msg.get("n_ctx", 4096)), "verbose": False}
        if msg.get("n_threads"):
            kwargs["n_threads"] = int(msg["n_threads"])
        if msg.get("seed") is not None:
            kwargs["seed"] = int(msg["seed"])
        llm = Llama(model_path=str(msg["path"]), **kwargs)
        self._abort_cb = llama_cpp.ggml_abort_callback(lambda _data: self.aborting())
        llama_cpp.llama_set_abort_callback(llm._ctx.ctx, self._abort_cb, None)
        template = llm.metadata.get("tokenizer.chat_template")
        eos_id, bos_id = llm.token_eos(), llm.token_bos()
        eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
        bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
        self.formatter = Jinja2ChatFormatter(
            template=template or _FALLBACK_TEMPLATE, eos_token=eos, bos_token=bos,
            stop_token_ids=[eos_id] if eos_id != -1 else None,
        )
        self.llm = llm
        self.send(
            "loaded",
            id=int(msg.get("id", 0)),
            n_ctx=llm.n_ctx(),
            n_vocab=llm.n_vocab(),
            chat_template=bool(template),
            name=str(llm.metadata.get("general.name", "")),
            load_s=round(time.perf_counter() - started, 3),
        )

    def _prompt_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        prompt = self.formatter(messages=messages).prompt
        # templates write their own BOS when they want one; llama.cpp adds it otherwise
        has_bos = bool(self.formatter.bos_token) and prompt.startswith(self.formatter.bos_token)
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=not has_bos, special=True)

    def count(self, msg: dict[str, Any]) -> None:
        self._need_model()
        texts = [
            len(self.llm.tokenize(str(t).encode("utf-8"), add_bos=False, special=False))
            for t in msg.get("texts", [])
        ]
        prompt = len(self._prompt_tokens(msg["messages"])) if msg.get("messages") else 0
        self.send("counted", id=int(msg.get("id", 0)), texts=texts, prompt=prompt)

    def _need_model(self) -> None:
        if self.llm is None:
            raise RuntimeError("no model is loaded")

    def _prefill(self, tokens: list[int]) -> int:
        """Evaluate all but the last prompt token, reusing the cached common prefix.

        Returns how many tokens came from the cache. ``generate`` then evaluates the last
        token itself and samples; a cancel aborts the running chunk."""
        llm = self.llm
        target = len(tokens) - 1
        cached = llm.input_ids[: llm.n_tokens].tolist()
        prefix = 0
        for a, b in zip(cached, tokens[:target], strict=False):
            if a != b:
                break
            prefix += 1
        llm.n_tokens = prefix  # eval() drops the KV cache from here on
        pos = prefix
        while pos < target:
            if self.aborting():
                raise _Cancelled
            end = min(target, pos + PREFILL_CHUNK)
            try:
                llm.eval(tokens[pos:end])
            except RuntimeError:
                if self.aborting():
                    raise _Cancelled from None
                raise
            pos = end
        return prefix

    def generate(self, msg: dict[str, Any]) -> None:
        self._need_model()
        rid = int(msg["id"])
        started = time.perf_counter()
        tokens = self._prompt_tokens(msg["messages"])
        n_ctx = self.llm.n_ctx()
        max_tokens = max(1, min(int(msg.get("max_tokens", 400)), n_ctx - len(tokens)))
        if len(tokens) >= n_ctx:
            raise ValueError(f"the prompt has {len(tokens)} tokens; the context holds {n_ctx}")
        stats: dict[str, Any] = {"prompt_tokens": len(tokens), "completion_tokens": 0}
        reason = "length"
        if msg.get("reset_cache"):  # benchmarks: time a prompt without the cached prefix
            self.llm.reset()
        try:
            stats["cached_tokens"] = self._prefill(tokens)
            stats["prefill_ms"] = round((time.perf_counter() - started) * 1000, 2)
            reason = self._sample(rid, msg, tokens, max_tokens, stats, started)
        except _Cancelled:
            reason = "cancelled"
        stats["total_ms"] = round((time.perf_counter() - started) * 1000, 2)
        self.send("done", id=rid, reason=reason, stats=stats)

    def _sample(
        self,
        rid: int,
        msg: dict[str, Any],
        tokens: list[int],
        max_tokens: int,
        stats: dict[str, Any],
        started: float,
    ) -> str:
        from llama_cpp import llama_cpp

        llm = self.llm
        eos = llm.token_eos()
        stop_ids = self.formatter.stop_token_ids or set()
        vocab = llm._model.vocab
        pending = b""
        generator = llm.generate(
            tokens,
            temp=float(msg.get("temperature", 0.2)),
            top_p=float(msg.get("top_p", 0.9)),
            top_k=40,
            repeat_penalty=float(msg.get("repeat_penalty", 1.1)),
        )
        try:
            for n, token in enumerate(_guarded(generator, self.aborting), start=1):
                if token == eos or token in stop_ids or llama_cpp.llama_vocab_is_eog(vocab, token):
                    return "stop"
                if n == 1:
                    stats["ttft_ms"] = round((time.perf_counter() - started) * 1000, 2)
                stats["completion_tokens"] = n
                pending += llm.detokenize([token], prev_tokens=None)
                text, pending = _decode_complete(pending)
                if text:
                    self.send("token", id=rid, text=text)
                if self.aborting():
                    return "cancelled"
                if n >= max_tokens:
                    return "length"
            return "cancelled" if self.aborting() else "stop"  # an aborted decode ends it too
        finally:
            generator.close()
            if pending:
                self.send("token", id=rid, text=pending.decode("utf-8", "replace"))


class _Cancelled(Exception):
    pass


def _guarded(generator: Any, aborting: Any) -> Any:
    """Iterate llama-cpp's token generator; a decode aborted by a cancel ends it quietly."""
    while True:
        try:
            yield next(generator)
        except StopIteration:
            return
        except RuntimeError:
            if aborting():
                return
            raise


def _decode_complete(data: bytes) -> tuple[str, bytes]:
    """Decode the longest complete UTF-8 prefix; keep a split multi-byte character for later."""
    for cut in range(len(data), max(len(data) - 4, -1), -1):
        try:
            return data[:cut].decode("utf-8"), data[cut:]
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace"), b""


# used only when a GGUF carries no chat template of its own
_FALLBACK_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}### {{ m['role'] | capitalize }}:\n"
    "{{ m['content'] }}\n\n{% endfor %}{% if add_generation_prompt %}### Assistant:\n{% endif %}"
)


def main() -> int:
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # stray writes to stdout (llama.cpp's own prints) go to stderr
    sys.stdout = sys.stderr
    host = Host(proto)
    reader = threading.Thread(target=host.read_requests, args=(sys.stdin,), daemon=True)
    reader.start()
    host.serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
