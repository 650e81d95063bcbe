"""Helpers that write small guideline packs for tests."""

from __future__ import annotations

from pathlib import Path

BODY = (
    "{title} is explained here in plain words for patients. "
    "The care team can say how {topic} applies to you. "
    "Many people have questions about {topic} during treatment. "
    + "Extra words about {topic} keep the section long enough to pass the checks. "
    * 8
)


def section_text(
    sid: str, title: str, topic: str, related: tuple[str, ...] = (), body: str | None = None
) -> str:
    rel = ", ".join(f'"{r}"' for r in related)
    return f'''+++
id = "{sid}"
title = "{title}"
last_reviewed = "2026-11-01"
status = "standard"
tags = ["{topic}"]
questions = ["What is {topic}?", "tell me about {topic}", "how does {topic} work"]
key_points = ["{title} matters."]
care_team_questions = ["How does {topic} affect me?"]
related = [{rel}]

[[sources]]
org = "National Cancer Institute"
title = "Breast Cancer Treatment (PDQ)"
year = 2025
url = "https://www.cancer.gov/types/breast/patient/breast-treatment-pdq"
+++

{body or BODY.format(title=title, topic=topic)}
'''


def write_pack(root: Path, sections: dict[str, tuple[str, str]], pack_id: str = "mini") -> Path:
    """Write a pack folder with a manifest (checksums included) and the given sections."""
    from desktop.core.knowledge.validate import write_manifest

    pack = root / pack_id
    (pack / "sections").mkdir(parents=True, exist_ok=True)
    (pack / "manifest.toml").write_text(
        f'[pack]\nid = "{pack_id}"\nname = "Mini"\nversion = "1"\ndate = "2026-11-01"\n'
    )
    ids = list(sections)
    for sid, (title, topic) in sections.items():
        related = tuple(i for i in ids if i != sid)[:2]
        (pack / "sections" / f"{sid}.md").write_text(section_text(sid, title, topic, related))
    write_manifest(pack)
    return pack
