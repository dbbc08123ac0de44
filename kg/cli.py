"""The ``kg`` command: a thin layer over the library; each subcommand lives in ``kg.commands.NAME``.

Each command module exposes ``register(subparsers)`` which adds its parser and sets ``func``
(called with the parsed args, returning the exit status).

SIGTERM (``kill``, a container or CI stopping the job) is turned into an exception in the main
thread, as Ctrl-C is, so that every ``finally`` runs: temp files are removed, worker processes
stopped, and no output is left half-written. The exit status is then 143 (128 + SIGTERM).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import signal
import sys
import threading
from typing import Iterator

COMMANDS = ["setup", "extract", "build", "query", "serve", "load", "export", "viz", "stats"]


def build_parser() -> argparse.ArgumentParser:
    from kg import __version__

    parser = argparse.ArgumentParser(
        prog="kg", description="zhengwu-kg: knowledge graphs from Chinese party and government news.")
    parser.add_argument("--version", action="version", version=f"%(prog)s (zhengwu-kg) {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = f"kg.commands.{name}"
        if importlib.util.find_spec(module) is None:
            continue
        importlib.import_module(module).register(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwinds like Ctrl-C (code that cleans up on KeyboardInterrupt does so here)."""


def _on_sigterm(signum: int, frame) -> None:  # noqa: ARG001 - signal handler signature
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the clean-up finish
    raise Terminated()


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (main thread only); restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# options that commands pass to their worker processes through the environment
# (--ner, --doc-timeout): restored when a command returns, so an in-process call leaves no trace
COMMAND_ENVIRONMENT = ("ZHENGWU_KG_NER", "ZHENGWU_KG_DOC_TIMEOUT")


@contextlib.contextmanager
def restored_environment(names: tuple[str, ...] = COMMAND_ENVIRONMENT):
    saved = {n: os.environ.get(n) for n in names}
    try:
        yield
    finally:
        for n, v in saved.items():
            if v is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = v


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with sigterm_unwinds(), restored_environment():
            return int(args.func(args) or 0)
    except Terminated:
        print("kg: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
