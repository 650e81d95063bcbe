"""The Records tab's facts: what Lantern read, grouped by field (disagreeing values flagged), the
page each fact came from with its words highlighted, Confirm / Correct… / Delete / Add fact…,
and the lab trend chart.

The view only shows and asks: an edit is handed to the pane (``edit_requested``,
``add_requested``), which makes it on the records queue."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.lab_chart import LabChart

if TYPE_CHECKING:
    from desktop.core.records.profile import Profile, ProfileFact

FACT_ROLE = Qt.ItemDataRole.UserRole
HIGHLIGHT = '<a name="hit"></a><mark style="background:#ffe066; color:#000000">'
NOT_ADDED_BY_HAND = ("lab", "dose_change")  # fields only read from documents


class FactsView(QSplitter):
    edit_requested = Signal(str, str, object)  # fact id, action, new value or None
    add_requested = Signal(str, str)  # field, value
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.profile: Profile | None = None
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Profile facts")
        self.tree.setHeaderLabels(["Fact", "Value", "Date", "From", "Status"])
        self.tree.setRootIsDecorated(True)
        self.confirm_button = QPushButton("Confirm")
        self.correct_button = QPushButton("Correct…")
        self.delete_button = QPushButton("Delete")
        self.add_button = QPushButton("Add fact…")
        self.evidence = QTextBrowser()
        self.evidence.setAccessibleName("Evidence: the page the fact came from")
        self.chart = LabChart()
        self._lay_out()
        self.tree.currentItemChanged.connect(lambda *_: self.selection_changed.emit())
        self.confirm_button.clicked.connect(lambda: self._edit_selected("confirm"))
        self.delete_button.clicked.connect(lambda: self._edit_selected("delete"))
        self.correct_button.clicked.connect(self.correct_selected)
        self.add_button.clicked.connect(self.add_fact)

    def _lay_out(self) -> None:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("What Lantern read (check each fact against its source)"))
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        for button in (self.confirm_button, self.correct_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout.addLayout(buttons)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.evidence)
        right.addWidget(self.chart)
        self.addWidget(box)
        self.addWidget(right)
        self.setSizes([520, 420])

    # -- showing ---------------------------------------------------------------------------
    def show_profile(self, profile: Profile) -> None:
        from desktop.core.records.profile import FIELD_LABELS

        self.profile = profile
        self.tree.clear()
        conflicts = profile.conflicts()
        order = list(FIELD_LABELS)
        names = sorted(
            {f.field for f in profile.facts},
            key=lambda n: order.index(n) if n in order else len(order),
        )
        for name in names:
            self._add_group(profile, name, name in conflicts)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.chart.set_profile(profile)

    def _add_group(self, profile: Profile, name: str, disagree: bool) -> None:
        facts = profile.by_field(name)
        head = QTreeWidgetItem([facts[0].label, shown_value(facts[0]), facts[0].date or ""])
        if disagree:
            head.setText(4, "values disagree")
        self.tree.addTopLevelItem(head)
        for fact in facts:
            row = [fact.label, shown_value(fact), fact.date or "", where(fact, profile)]
            child = QTreeWidgetItem([*row, status(fact)])
            if fact.check and not fact.confirmed:  # not stated in answers until she checks it
                child.setToolTip(4, "Lantern will not state this in answers until you confirm it.")
                head.setText(4, head.text(4) or "please check")
            child.setData(0, FACT_ROLE, fact.id)
            head.addChild(child)
        head.setExpanded(disagree or len(facts) <= 3)

    def clear(self) -> None:
        self.profile = None
        self.tree.clear()
        self.evidence.clear()
        self.chart.set_profile(None)

    def selected(self) -> ProfileFact | None:
        item = self.tree.currentItem()
        if item is None or self.profile is None:
            return None
        fact_id = item.data(0, FACT_ROLE)
        return self.profile.fact(fact_id) if fact_id else None

    def select_fact(self, fact_id: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            for j in range(head.childCount()):
                if head.child(j).data(0, FACT_ROLE) == fact_id:
                    self.tree.setCurrentItem(head.child(j))
                    return True
        return False

    def show_evidence(self, page_text: Callable[[str, int], str]) -> None:
        """The page the selected fact came from, its words highlighted."""
        fact = self.selected()
        if fact is None or self.profile is None:
            self.evidence.clear()
            return
        if fact.evidence is None or fact.doc_id is None:
            self.evidence.setHtml("<p>You entered this fact yourself.</p>")
            return
        page = page_text(fact.doc_id, fact.evidence.page)
        start, end = fact.evidence.start, fact.evidence.end
        body = (
            html.escape(page[:start])
            + HIGHLIGHT
            + html.escape(page[start:end])
            + "</mark>"
            + html.escape(page[end:])
        )
        title = html.escape(where(fact, self.profile))
        self.evidence.setHtml(
            f"<p><b>{title}</b></p><pre style='white-space:pre-wrap'>{body}</pre>"
        )
        self.evidence.scrollToAnchor("hit")

    def update_controls(self, *, unlocked: bool) -> None:
        selected = unlocked and self.selected() is not None
        for button in (self.confirm_button, self.correct_button, self.delete_button):
            button.setEnabled(selected)
        self.add_button.setEnabled(unlocked)

    # -- asking for an edit ----------------------------------------------------------------
    def _edit_selected(self, action: str) -> None:
        fact = self.selected()
        if fact is not None:
            self.edit_requested.emit(fact.id, action, None)

    def correct_selected(self) -> None:
        fact = self.selected()
        if fact is None:
            return
        value, ok = QInputDialog.getText(
            self, "Correct a fact", f"{fact.label} (as your records should say):", text=fact.value
        )
        if ok and value.strip():
            self.edit_requested.emit(fact.id, "correct", value.strip())

    def add_fact(self) -> None:
        from desktop.core.records.profile import FIELD_LABELS

        labels = [FIELD_LABELS[k] for k in FIELD_LABELS if k not in NOT_ADDED_BY_HAND]
        label, ok = QInputDialog.getItem(self, "Add a fact", "What kind of fact?", labels, 0, False)
        if not ok:
            return
        value, ok = QInputDialog.getText(self, "Add a fact", f"{label}:")
        if ok and value.strip():
            field = next(k for k, v in FIELD_LABELS.items() if v == label)
            self.add_requested.emit(field, value.strip())


def shown_value(fact: ProfileFact) -> str:
    details = ", ".join(f"{k}: {v}" for k, v in fact.details.items() if v)
    return f"{fact.value} ({details})" if details else fact.value


def where(fact: ProfileFact, profile: Profile) -> str:
    if fact.evidence is None or fact.doc_id is None:
        return "entered by you"
    label = profile.documents.get(fact.doc_id)
    return f"{label.title if label else 'Document'}, p. {fact.evidence.page}"


def status(fact: ProfileFact) -> str:
    if fact.source == "added":
        return "entered by you"
    if fact.source == "corrected":
        return f"corrected (read as {fact.extracted_value})"
    if fact.confirmed:
        return "confirmed"
    return f"please check: {fact.check}" if fact.check else "not checked yet"
