"""A project leader sees the same map every time: positions do not depend on the server process."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import numpy as np
from graphsvc.analytics.layout import fruchterman_reingold
rng = np.random.default_rng(3)
u, v = rng.integers(0, 200, 600), rng.integers(0, 200, 600)
keep = u != v
print(fruchterman_reingold(200, u[keep], v[keep]).round(6).tolist())
"""


def test_the_layout_is_the_same_in_two_fresh_processes():
    runs = [subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and runs[0].startswith("[[")
