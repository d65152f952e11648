"""``python -m graphsvc.cli``: the same command as ``graphsvc``."""

from graphsvc.cli import main

main()
