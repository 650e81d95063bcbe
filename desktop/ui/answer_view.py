"""The answer pane: Markdown rendered in a QTextBrowser, with clickable ``[n]`` markers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

if TYPE_CHECKING:
    from desktop.core.answer.model_written import Draft
    from desktop.core.answer.schema import Answer

# a run of citation markers "[1]" or "[1][2]", not the "[1]" of a "[text][1]" reference link
# nor the "[2]" of a "[2](url)" link
_MARKERS = re.compile(r"(?<![\]\\])(?:\[\d{1,3}\])+(?!\()")
_MARKER = re.compile(r"\[(\d{1,3})\]")


def _escape(text: str) -> str:
    """Markdown-escape model text so stray * _ ` [ do not restyle the draft."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", " ".join(text.split()))


def link_markers(markdown: str) -> str:
    """Turn citation markers ``[n]`` into ``cite:n`` links (leaving Markdown links alone)."""
    return _MARKERS.sub(
        lambda run: _MARKER.sub(r"[\\[\1\\]](cite:\1)", run.group(0)), markdown
    )


class AnswerView(QTextBrowser):
    citation_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerView")
        self.setAccessibleName("Answer")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.show_message("Ask a question about breast cancer to begin.")

    def show_message(self, text: str) -> None:
        self._render(text)

    def _render(self, markdown: str) -> None:
        """Markdown without raw HTML: an answer, a notice or an error quoting a file may hold
        "<A>" or "<1%", which must show as text, never as a tag that swallows what follows."""
        feature = QTextDocument.MarkdownFeature
        self.document().setMarkdown(
            markdown, feature.MarkdownDialectGitHub | feature.MarkdownNoHTML
        )

    def show_answer(self, answer: Answer) -> None:
        parts: list[str] = []
        if answer.notice:
            parts.append(f"_{answer.notice}_")
        if answer.clarification:
            parts.append(f"> {answer.clarification.message}")
            if answer.clarification.suggestions:
                parts.append("> Did you mean: " + ", ".join(answer.clarification.suggestions))
        parts.append(link_markers(answer.answer_markdown) or "_No answer was found._")
        self._render("\n\n".join(parts))

    def show_draft(self, draft: Draft) -> None:
        """While the model writes: its checked sentences, then the sentence in progress."""
        parts = [f"_Written by {_escape(draft.model)}; each sentence is checked as it ends._"]
        if draft.text:
            parts.append(link_markers(draft.text))
        if draft.pending.strip():
            parts.append(f"_{_escape(draft.pending.strip())}…_")
        if draft.removed:
            parts.append(f"_{draft.removed} sentence(s) not supported by the sources removed._")
        self._render("\n\n".join(parts))

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "cite":
            try:
                self.citation_clicked.emit(int(url.path()))
            except ValueError:
                return
        elif url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)  # only on the user's click
