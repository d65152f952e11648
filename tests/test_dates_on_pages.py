"""A Norwegian user types dates as dd.mm.åååå on every page, whatever language the browser speaks.

A browser's date picker follows the browser's locale (03/01/2024 in American English), so the
pages ask for dates in text fields and read both dd.mm.åååå and YYYY-MM-DD.
"""

from __future__ import annotations

import re

import pytest

from helpers import example_document

PAGES_WITH_DATES = ["/map", "/metrics", "/export", "/initiatives/new", "/map/table"]


@pytest.fixture
def example(app, client):
    assert client.post("/api/v1/import", json=example_document()).status_code == 200
    return client


@pytest.mark.parametrize("url", PAGES_WITH_DATES)
def test_no_page_asks_for_a_date_through_the_browsers_date_picker(example, url):
    page = example.get(url, headers={"Accept-Language": "en-US"})
    assert page.status_code in (200, 302), url
    assert not re.search(r'type="date"', page.get_data(as_text=True)), f"{url} uses the browser's date picker"


def test_the_map_filter_reads_a_norwegian_date_and_shows_it_back_the_same_way(example):
    page = example.get("/map?from=1.2.2021&to=31.12.2021").get_data(as_text=True)
    assert 'value="01.02.2021"' in page and 'value="31.12.2021"' in page
    data = example.get("/api/v1/map?from=01.02.2021&to=31.12.2021").json
    assert data == example.get("/api/v1/map?from=2021-02-01&to=2021-12-31").json


def test_metrics_and_export_take_norwegian_dates_too(example):
    norwegian = example.get("/api/v1/export?format=json&at=31.12.2020").json
    iso = example.get("/api/v1/export?format=json&at=2020-12-31").json
    assert norwegian == iso and norwegian["initiatives"] == []  # the example's initiative starts in 2021
    assert 'value="01.03.2021"' in example.get("/metrics?at=01.03.2021").get_data(as_text=True)


def test_a_date_that_does_not_exist_is_named_in_norwegian(example):
    page = example.get("/map?from=31.02.2021")
    assert page.status_code == 422
    assert "Denne datoen finnes ikke" in page.get_data(as_text=True)
