"""The frozen app's entry script: the same entry point as ``python -m desktop``."""

from desktop.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
