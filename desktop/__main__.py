"""Entry point of ``python -m desktop`` and the ``lantern`` script: the frozen app's model
host, the self-test, the window (no arguments: nothing is parsed, argparse is not imported) or
a command (``desktop/cli/parser.py`` parses it, ``desktop.app`` runs it)."""

from __future__ import annotations

import sys

from desktop import offline


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--model-host"]:  # the frozen app runs its own model host process
        from desktop.core.llm.host_child import main as host_main

        return host_main()
    if argv[:1] == ["--self-test"]:  # smoke test of an installation (frozen or source)
        from desktop.cli.self_test import main as self_test

        return self_test(argv[1:])
    offline.apply()
    if argv in ([], ["--exit-when-shown"]):  # the window, as a launcher (or the start-up
        # benchmark) starts it: parsing would add the parser's 5 ms to the start
        from desktop import app

        return app.run_window(exit_when_shown=bool(argv))
    from desktop.cli.parser import parse

    args = parse(argv)
    from desktop import app

    if args.command is None:
        return app.run_window(exit_when_shown=args.exit_when_shown)
    return app.run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
