"""Answering: the Answer schema, question analysis, composition, verification, the engine."""
