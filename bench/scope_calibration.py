"""Calibration figures for the out-of-scope threshold: the best dense similarity of in-scope
questions (the retrieval benchmark) and of off-topic questions."""

from __future__ import annotations

from bench.common import percentile, save, show
from bench.retrieval_quality import load_questions

OFF_TOPIC = [
    "What is the capital of France?",
    "What's the weather tomorrow?",
    "Give me a recipe for lasagne",
    "Write a poem about the sea",
    "Who won the football match last night?",
    "How do I fix my car's brakes?",
    "What is the stock price of Apple?",
    "Translate hello into Spanish",
    "How tall is Mount Everest?",
    "Recommend a good film for tonight",
    "How do I install Windows?",
    "What time is it in Tokyo?",
    "Tell me a joke",
    "How many legs does a spider have?",
    "Best way to learn the guitar",
]


def run(services) -> dict:
    questions = load_questions(services.packs[0].id, set(services.retriever.sections))
    inside = [services.retriever.search(q, limit=3).hits[0].best_similarity for q, _ in questions]
    outside = [services.retriever.search(q, limit=3).hits[0].best_similarity for q in OFF_TOPIC]
    figures = {
        "in-scope min": min(inside),
        "in-scope p1": percentile(inside, 0.01),
        "in-scope p5": percentile(inside, 0.05),
        "off-topic max": max(outside),
        "off-topic median": percentile(outside, 0.5),
    }
    show("Out-of-scope calibration (best dense similarity)", figures)
    save("scope_calibration", figures)
    return figures
