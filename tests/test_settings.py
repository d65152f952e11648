"""An operator configures graphsvc through the environment; mistakes are refused in one clear line."""

from __future__ import annotations

import pytest

from graphsvc import create_app
from graphsvc.model.errors import ConfigError


@pytest.mark.parametrize("secret", ["change-me", "short"])
def test_a_placeholder_or_short_secret_key_is_refused(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("GRAPHSVC_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="GRAPHSVC_SECRET_KEY is a placeholder or shorter than 16"):
        create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_a_bad_number_in_a_setting_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("GRAPHSVC_WORKERS", "many")
    with pytest.raises(ConfigError, match="GRAPHSVC_WORKERS"):
        create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'x.db'}"})


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    app = create_app({"GRAPHSVC_STORE_URL": f"sqlite:///{tmp_path / 'x.db'}", "GRAPHSVC_SECRET_KEY": "t" * 32,
                      "GRAPHSVC_TRUSTED_PROXIES": 1})
    seen = {}

    @app.after_request
    def record(response):
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return response

    app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen == {"addr": "203.0.113.7", "scheme": "https"}
