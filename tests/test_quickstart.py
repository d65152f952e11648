"""A newcomer's first minutes: `make run` loads the demo data and serves the app; a second run adds nothing."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import require_tool
from servers import free_port, stop_process_group

ROOT = Path(__file__).resolve().parent.parent


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def start_make_run(store_url: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "GRAPHSVC_STORE_URL": store_url, "GRAPHSVC_PUBLIC_READ": "1"}
    with log.open("w") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(["make", "run", f"PORT={port}", "HOST=127.0.0.1"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_up(base: str, process: subprocess.Popen, log: Path, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make run exited with {process.returncode}:\n{log.read_text()}")
        try:
            return get_json(f"{base}/healthz")
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"make run did not answer on {base} within {seconds} s:\n{log.read_text()}")


@pytest.mark.slow
def test_make_run_serves_the_demo_network_and_a_second_run_duplicates_nothing(tmp_path):
    require_tool("make", "the quick start is `make run`")
    store_url = f"sqlite:///{tmp_path / 'quickstart.db'}"
    counts = []
    for attempt in (1, 2):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp_path / f"run{attempt}.log"
        process = start_make_run(store_url, port, log)
        try:
            health = wait_until_up(base, process, log)
            assert health["status"] == "ok" and health["store"] == "sqlite"
            network = get_json(f"{base}/api/v1/network")
            counts.append(network["counts"])
            assert network["counts"]["actors"] > 0 and network["counts"]["ties"] > 0
        finally:
            stop_process_group(process)
        output = log.read_text()
        if attempt == 2:
            assert "0 new, 0 updated" in output, output
    assert counts[0] == counts[1]
