"""The command line: one module per command group (ask, guidelines, patients, records, models,
doctor, self-test), the argument parser and the expected failures they share.

``desktop.app`` composes them; nothing here imports ``desktop.app``."""
