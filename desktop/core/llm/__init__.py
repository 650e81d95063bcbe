"""Local and remote language models: GGUF checks, the model catalogue and store, the model
host process, grounded prompts, sentence verification and the OpenAI-compatible endpoint."""
