"""The public JSON contract of an answer (issue: foundation): fields never renamed or dropped."""

FIELDS = (
    "question",
    "mode",
    "answer_markdown",
    "sections",
    "citations",
    "related_questions",
    "questions_for_care_team",
    "clarification",
    "urgent",
    "disclaimer",
    "timings_ms",
)
