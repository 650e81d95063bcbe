"""Benchmarks and eval harnesses: they print figures; they do not pass or fail."""
