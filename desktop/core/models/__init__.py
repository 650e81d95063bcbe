"""Model files: the chat-model catalogue, GGUF header checks, memory estimates, the installed
model store, and the embedding model. The lowest core layer after files and progress."""
