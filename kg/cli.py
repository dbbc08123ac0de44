"""The ``kg`` command: a thin layer over the library; each subcommand lives in ``kg.commands.NAME``.

Each command module exposes ``register(subparsers)`` which adds its parser and sets ``func``
(called with the parsed args, returning the exit status).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

COMMANDS = ["setup", "extract", "build", "query", "serve", "load", "export", "viz"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="zhengwu-kg: knowledge graphs from Chinese party and government news.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = f"kg.commands.{name}"
        if importlib.util.find_spec(module) is None:
            continue
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
