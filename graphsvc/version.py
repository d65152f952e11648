"""The release of graphsvc, in one place (the package root, backups and the API document name it)."""

__version__ = "0.1.0"
