"""Checking a model-written answer: sentence units and citations, evidence terms, the safety
rules, and the verifier that keeps only supported sentences."""
