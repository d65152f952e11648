"""The limits of issue 11 against a real `graphsvc serve` (gunicorn, 2 workers, 127.0.0.1): what only a
real server shows — an early 413 before the body is read, a chunked body cut at the limit, and login
counters that every worker shares."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import require_tool
from servers import free_port, stop_process_group

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery"
GRAPHSVC = [sys.executable, "-c", "from graphsvc.cli import main; main(prog_name='graphsvc')"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    store_url = f"sqlite:///{tmp / 'limits.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRAPHSVC_INSTANCE_DIR": str(tmp / "instance"),
           "GRAPHSVC_SECRET_KEY": "limits-test-secret-key-0123456789", "GRAPHSVC_MAX_UPLOAD_MB": "1",
           "GRAPHSVC_SECURE_COOKIES": "0"}

    def cli(*args: str, input: str | None = None) -> str:
        done = subprocess.run([*GRAPHSVC, "--store", store_url, *args], env=env, input=input, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("users", "add", "eva", "--role", "editor", input=PASSWORD + "\n")
    token = cli("tokens", "create", "eva").strip().splitlines()[-1]
    port = free_port()
    log = tmp / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([*GRAPHSVC, "--store", store_url, "serve", "--workers", "2", "--host", "127.0.0.1",
                                    "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield {"port": port, "token": token, "log": log}
    finally:
        stop_process_group(process)


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.headers
    finally:
        connection.close()


@pytest.mark.slow
def test_a_declared_body_over_the_limit_gets_413_before_it_is_sent(server):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    connection.putrequest("POST", "/api/v1/import")
    for name, value in (("Authorization", f"Bearer {server['token']}"), ("Content-Length", str(100 * 1024 * 1024)),
                        ("Content-Type", "multipart/form-data; boundary=B"), ("Expect", "100-continue")):
        connection.putheader(name, value)
    connection.endheaders()  # … and not one byte of the 100 MiB body
    response = connection.getresponse()  # http.client skips the interim "100 Continue"
    assert response.status == 413 and b"GRAPHSVC_MAX_UPLOAD_MB" in response.read()
    connection.close()


@pytest.mark.slow
def test_a_chunked_body_over_the_limit_gets_413_not_a_cut_off_422(server, tmp_path):
    curl = require_tool("curl", "it sends a chunked body and reads the server's early answer")
    body = tmp_path / "big.json"
    body.write_text('{"name": "' + "x" * (2 * 1024 * 1024) + '", "kind": "association", "municipality": "Alta"}')
    done = subprocess.run([curl, "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST",
                           "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/json",
                           "-H", f"Authorization: Bearer {server['token']}",
                           "--data-binary", f"@{body}", f"http://127.0.0.1:{server['port']}/api/v1/actors"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.rsplit("\n", 1)[-1] == "413", done.stdout[-500:]
    small = '{"name": "Lag", "kind": "association", "municipality": "Alta"}'
    done = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                           "Transfer-Encoding: chunked", "-H", "Content-Type: application/json", "-H",
                           f"Authorization: Bearer {server['token']}", "--data-binary", small,
                           f"http://127.0.0.1:{server['port']}/api/v1/actors"], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout == "201"


def _attempt(port: int, password: str) -> int:
    """One login in a new browser (a new connection, so either worker may answer)."""
    status, page, headers = _request(port, "GET", "/login")
    cookie = headers["Set-Cookie"].split(";")[0]
    csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    form = f"name=eva&password={password.replace(' ', '+')}&csrf_token={csrf}".encode()
    return _request(port, "POST", "/login", form, {"Cookie": cookie,
                                                   "Content-Type": "application/x-www-form-urlencoded"})[0]


@pytest.mark.slow
def test_every_worker_counts_the_same_failed_logins(server):
    statuses = [_attempt(server["port"], "wrong password!") for _ in range(5)]
    assert statuses == [401] * 5
    # Each worker counting alone would let both of them take five: here every further attempt is refused.
    assert [_attempt(server["port"], "wrong password!") for _ in range(8)] == [429] * 8
