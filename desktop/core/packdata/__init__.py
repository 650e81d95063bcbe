"""What a guideline pack declares as data beside its manifest, readable by every part of the
core: its scope and the prompt's subject (``scope.toml``), its vocabulary with the one drug
table (``vocabulary.toml``) and its record fields (``fields.toml``).

This package sits at the base of the core (beside ``resources`` and ``text``), so the
knowledge, records and answer layers all read the same data without importing each other.
Nothing here knows a disease: every word is in the pack's files."""
