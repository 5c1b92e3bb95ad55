"""Command line: ``spillguard scan | diff | check | clean | baseline | incident | fingerprint | watch |
gate | keys | verify | users | serve | rules | demo | eval | version``.

Exit codes (linter style, stable): 0 = nothing at or above the fail level; 1 = blocked;
2 = usage error (bad option, missing path, malformed config).

Each command group is a module of its own (``scanning``, ``baseline``, ``incident``, ``watching``,
``gating``, ``serving``, ``demo``) that imports its library layer when a command runs. ``main`` registers only
the group of the command given, so ``spillguard version`` loads none of the readers, the store or
the web app; help, an unknown command and ``spillguard.cli.app`` (the test runner's) load them all.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from spillguard.cli.common import EXIT_BLOCK, EXIT_PASS, EXIT_USAGE, _stdout_to_stderr, build_config, emit

if TYPE_CHECKING:
    import typer

__all__ = ["EXIT_BLOCK", "EXIT_PASS", "EXIT_USAGE", "GROUPS", "_stdout_to_stderr", "app", "build_config", "emit",
           "load", "main"]

#: first word of a command → the module that defines it (in the order help lists the groups)
GROUPS = {
    "scan": "scanning", "diff": "scanning", "check": "scanning", "clean": "scanning",
    "baseline": "baseline",
    "incident": "incident",
    "fingerprint": "watching", "watch": "watching",
    "gate": "gating", "keys": "gating", "verify": "gating",
    "users": "serving", "serve": "serving",
    "rules": "demo", "demo": "demo", "eval": "demo", "version": "demo",
}


def load(command: str | None = None) -> typer.Typer:
    """The Typer app with the group of ``command`` registered, or every group (no command, or one
    this table does not know: typer then lists them all or names the mistake)."""
    from spillguard.cli.common import app

    wanted = [GROUPS[command]] if command in GROUPS else list(dict.fromkeys(GROUPS.values()))
    for module in wanted:
        importlib.import_module(f"spillguard.cli.{module}")
    return app


def _command(args: list[str]) -> str | None:
    """The command a command line runs: its first word, unless an option (``--help``) comes first."""
    return args[0] if args and not args[0].startswith("-") else None


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole command line, for CliRunner and embedding
        return load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    load(_command(sys.argv[1:]))(prog_name="spillguard")
