"""Guideline knowledge: packs, PDF import, chunking, the index (chroma + FTS5), retrieval."""
