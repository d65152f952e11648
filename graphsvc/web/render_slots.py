"""At most one slow rendering at a time on the host, and one per user: viewers cannot keep workers busy.

A growth animation (GIF or MP4) takes seconds to minutes of CPU (16 s for ``freq=month`` on the demo
network), and every filter is a new one. :func:`render_slot` wraps such work: it takes a host-wide
slot (an ``flock`` on a file in the instance folder, so every worker process counts) and a slot for
the user (or the client address), without waiting. When either is taken the request is answered at
once with 503 and ``Retry-After`` instead of queueing behind the renderer; the result, once made,
is cached as before. Locks held by a process end with it, so a killed worker frees its slot.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from flask import current_app, g, request

from graphsvc.model import messages as msg
from graphsvc.model.errors import GraphsvcError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows (waitress, one process): a lock per process suffices
    fcntl = None  # type: ignore[assignment]

#: Slow renderings allowed at once on the host.
HOST_SLOTS = 1

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


class RenderBusy(GraphsvcError):
    """Another rendering holds the slot: try again shortly (503, ``Retry-After``)."""

    status = 503


@contextmanager
def _slot(path: Path) -> Iterator[bool]:
    """True (and the slot held until the block ends) if nobody else holds ``path``; never waits."""
    with _local_guard:
        local = _local_locks.setdefault(str(path), threading.Lock())
    if not local.acquire(blocking=False):  # another thread of this process (flock is per process)
        yield False
        return
    try:
        if fcntl is None:
            yield True
            return
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(handle)  # closing releases the lock
    finally:
        local.release()


def _who() -> str:
    user = g.get("user")
    return f"user:{user.name}" if user is not None else f"addr:{request.remote_addr}"


@contextmanager
def render_slot(what: str = "render") -> Iterator[None]:
    """Hold the host's rendering slot and the current user's for the block, or raise :class:`RenderBusy`."""
    folder = Path(current_app.instance_path) / "locks"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    user_file = folder / f"{what}-{hashlib.sha256(_who().encode()).hexdigest()[:16]}.lock"
    with ExitStack() as stack:
        if not stack.enter_context(_slot(user_file)):
            raise RenderBusy(msg.RENDER_BUSY_USER())
        if not any(stack.enter_context(_slot(folder / f"{what}-{n}.lock")) for n in range(HOST_SLOTS)):
            raise RenderBusy(msg.RENDER_BUSY())
        yield
