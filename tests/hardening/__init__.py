"""Hardening: bad input of every kind, and Hypothesis properties of the text rules."""
