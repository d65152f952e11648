"""Map layouts shared by every process of the server: one file per layout in the instance folder.

gunicorn's workers share no memory (field notes), so an in-process cache computed the same
layout once per worker after every write (1.6 s each on 5,000 actors). Here the first process
that needs a layout computes it while holding a lock file; the others wait for it and read the
result. A layout is keyed by a digest of everything it depends on (the view's actors in order,
its ties and weights, node radii, label lengths, the seed and the algorithm's version; see
``analytics.mapview``): the store, its graph version and the view's filters are all in there,
and a store restored to an earlier state finds its layouts again. No store tables are involved.

Files are written atomically (a temporary file in the same folder, then ``os.replace``), so a
reader never sees half a layout; the oldest files beyond ``max_files`` are removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

try:  # POSIX: one process computes, the others wait for its file
    import fcntl
except ImportError:  # Windows (waitress runs one process): a lock between threads is enough
    fcntl = None  # type: ignore[assignment]

_THREAD_LOCK = threading.Lock()


class LayoutFiles:
    """``memo(key, compute)`` backed by ``folder/<key>.npy``, for ``analytics.mapview.map_view``."""

    def __init__(self, folder: Path | str, *, max_files: int = 512):
        self.folder = Path(folder)
        self.max_files = max_files
        self.computed = 0  # layouts this process computed itself (the rest it read)

    def __call__(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        if not key.isalnum():
            raise ValueError(f"layout key must be a hex digest, not {key!r}")
        path = self.folder / f"{key}.npy"
        found = self._read(path)
        if found is not None:
            return found
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked(key):
            found = self._read(path)  # another process may have finished it while we waited
            if found is not None:
                return found
            value = np.asarray(compute(), dtype=np.float64)
            self.computed += 1
            self._write(path, value)
        self._prune()
        return value

    @staticmethod
    def _read(path: Path) -> np.ndarray | None:
        try:
            value = np.load(path, allow_pickle=False)
        except (FileNotFoundError, ValueError, OSError, EOFError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return value

    def _write(self, path: Path, value: np.ndarray) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".layout-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.save(out, value, allow_pickle=False)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[None]:
        if fcntl is None:
            with _THREAD_LOCK:
                yield
            return
        with open(self.folder / f"{key}.lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                with contextlib.suppress(OSError):
                    os.unlink(self.folder / f"{key}.lock")

    def _prune(self) -> None:
        try:
            files = sorted(self.folder.glob("*.npy"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        for old in files[:-self.max_files] if len(files) > self.max_files else []:
            with contextlib.suppress(OSError):
                old.unlink()
