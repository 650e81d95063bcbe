"""The words of the welcome screen (desktop/ui/welcome.py): what Lantern is and is not, the
privacy promise with the real data folder and any clinic server configured, the optional
language model, and a passphrase strength hint. Plain strings, no Qt."""

from __future__ import annotations

import html

from desktop.core.answer.disclaimer import DISCLAIMER
from desktop.core.records.patients import MIN_PASSPHRASE
from desktop.settings import Settings

__all__ = ["MIN_PASSPHRASE", "about_html", "model_html", "passphrase_hint", "privacy_html"]


def passphrase_hint(text: str) -> str:
    """A plain-words strength hint for a passphrase being typed (the minimum is the core's
    one policy, ``patients.MIN_PASSPHRASE``)."""
    if not text:
        return (
            f"At least {MIN_PASSPHRASE} characters. A few unrelated words are easy to remember "
            "and hard to guess."
        )
    if len(text) < MIN_PASSPHRASE:
        return f"Too short: at least {MIN_PASSPHRASE} characters."
    kinds = sum(
        any(test(c) for c in text)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if len(text) >= 16 or len(text.split()) >= 4:
        return "Strong."
    if len(text) >= 12 and kinds >= 2:
        return "Good. Longer is stronger still."
    return "Fair: a longer passphrase (or a few more words) is stronger."


def about_html() -> str:
    """Page 1: what Lantern is and is not, and when to call the care team instead."""
    return (
        "<h2>Welcome to Lantern</h2>"
        "<p>Lantern answers your questions about breast cancer in plain language. Each "
        "answer is built from guideline material written for patients (such as the NCI, "
        "NCCN Guidelines for Patients, ASCO and the American Cancer Society) and shows the "
        "numbered sources it comes from, so you can read more and check.</p>"
        "<p>If you add your own medical records, Lantern can point out what in the "
        "guidelines fits your situation.</p>"
        "<h3>What Lantern is not</h3>"
        f"<p><b>{html.escape(DISCLAIMER)}</b> Lantern cannot examine you and does not "
        "know everything your care team knows: bring what you read to your doctor or nurse "
        "as questions to talk over.</p>"
        "<p>If you feel unwell (for example a temperature of 38.0 °C / 100.4 °F or more "
        "during treatment, or sudden breathlessness), call your care team's 24-hour line or "
        "emergency services. Do not wait for an app.</p>"
    )


def privacy_html(settings: Settings) -> str:
    """Page 2: what leaves the computer (nothing, unless a clinic server is set), what is
    encrypted, what is public, and the real data folder."""
    home = html.escape(str(settings.home))
    network = ""
    if settings.llm_server_url:
        network += (
            "<p>This copy is set up to use a server on your clinic's network "
            f"(<code>{html.escape(settings.llm_server_url)}</code>) to write answers: "
            "the question, the guideline passages and, with records unlocked, facts from them "
            "are sent to it.</p>"
        )
    chroma = settings.chroma_server_url
    if chroma:
        network += (
            "<p>This copy searches the guidelines on a server on your clinic's network "
            f"(<code>{html.escape(chroma)}</code>): searches for your questions go to it.</p>"
        )
    if not network:
        network = (
            "<p><b>Nothing leaves this computer.</b> Lantern makes no network connection: "
            "no account, no cloud, no tracking. (A clinic can choose to connect it to its "
            "own server; someone has to set that up on purpose.)</p>"
        )
    return (
        "<h2>Your privacy</h2>"
        f"{network}"
        "<p><b>Your records are encrypted.</b> Everything about a patient (the name, the "
        "documents, what Lantern reads from them, the questions asked) is locked with "
        "AES-256-GCM encryption. The key is kept in this computer's keyring (the system's "
        "password store) or is made from a passphrase that only you know.</p>"
        "<p><b>The guidelines are public.</b> The guideline texts, any guideline PDFs you "
        "import and the search index built from them are public material, stored without "
        "encryption.</p>"
        "<h3>Where your data lives</h3>"
        f"<p>Lantern keeps its data in this folder:<br><code>{home}</code></p>"
        "<p>In it: <code>index</code> (the guideline search index), <code>vaults</code> "
        "(encrypted records, one folder per patient) and <code>settings.toml</code> "
        "(your settings).</p>"
    )


def model_html() -> str:
    """Page 4: answers work without a model; what one adds."""
    return (
        "<h2>A language model (optional)</h2>"
        "<p><b>Lantern works without one.</b> It then answers by quoting the guideline "
        "text directly, with its sources.</p>"
        "<p>A language model is a large file (a GGUF file you downloaded, or got from your "
        "clinic on a USB stick) that can write smoother answers from the same sources. It "
        "runs on this computer only, and every sentence it writes is checked against the "
        "sources; a sentence that is not supported is not shown.</p>"
        "<p>You can add one now, or later with File → Language models…. "
        "Help → Welcome to Lantern… shows this screen again.</p>"
    )
