"""Set-up scripts for models: embedding-model preparation and the tiny test model."""
