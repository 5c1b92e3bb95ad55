"""``python -m spillguard.cli``: the command line."""

from spillguard.cli import main

main()
