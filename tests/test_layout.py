"""A project leader sees the same map every time: positions do not depend on the server process."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


def test_every_server_process_reads_one_layout_per_view(tmp_path):
    """Two app instances on one store and one instance folder (two gunicorn workers): the view is
    laid out once, by the first; the second reads the file and draws the same positions."""
    from graphsvc import create_app
    from helpers import demo_document, load

    config = {"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'app.db'}", "SECRET_KEY": "test",
              "GRAPHSVC_SECRET_KEY": "test", "TESTING": True, "GRAPHSVC_INSTANCE_DIR": str(tmp_path)}
    first, second = create_app(config), create_app(config)
    try:
        load(first, demo_document())
        second.config["GRAPHSVC_PUBLIC_READ"] = True
        a = first.test_client().get("/api/v1/map?municipality=Drammen").json
        b = second.test_client().get("/api/v1/map?municipality=Drammen").json
        assert a["nodes"] == b["nodes"]
        assert first.extensions["graphsvc.layouts"].computed == 1
        assert second.extensions["graphsvc.layouts"].computed == 0
        assert list((tmp_path / "cache" / "layouts").glob("*.npy"))
        assert not list((tmp_path / "cache" / "layouts").glob(".layout-*"))  # no half-written files
        # A write makes a new graph version: a new actor in Drammen is a new view, laid out anew.
        store = first.extensions["graphsvc"].store
        from graphsvc.model.entities import Actor

        store.create_actor(Actor("nytt-lag", "Nytt lag", "association", "Drammen"))
        c = second.test_client().get("/api/v1/map?municipality=Drammen").json
        assert len(c["nodes"]) == len(a["nodes"]) + 1 and second.extensions["graphsvc.layouts"].computed == 1
    finally:
        first.extensions["graphsvc"].store.close()
        second.extensions["graphsvc"].store.close()


CONCURRENT = """
import sys, time, numpy as np
from graphsvc.services.layouts import LayoutFiles
def compute():
    with open(sys.argv[2], "a") as log:
        log.write("computed\\n")
    time.sleep(0.5)
    return np.arange(6.0).reshape(3, 2)
print(LayoutFiles(sys.argv[1])("ab12", compute).tolist())
"""


def test_two_processes_asking_at_once_compute_one_layout(tmp_path):
    log = tmp_path / "log"
    runs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(tmp_path / "layouts"), str(log)],
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert outputs[0] == outputs[1] == "[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]\n"
    assert log.read_text() == "computed\n"  # the other process waited for the file


def test_a_damaged_layout_file_is_computed_again(tmp_path):
    import numpy as np

    from graphsvc.services.layouts import LayoutFiles

    files = LayoutFiles(tmp_path)
    files("cafe", lambda: np.ones((2, 2)))
    (tmp_path / "cafe.npy").write_bytes(b"not a layout")
    assert files("cafe", lambda: np.zeros((2, 2))).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert files.computed == 2
    with pytest.raises(ValueError, match="hex digest"):
        files("../escape", lambda: np.ones(1))
