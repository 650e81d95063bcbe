"""Patient records: the encrypted vault and its keys (import and extraction build on it)."""
