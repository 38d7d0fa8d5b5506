"""Data Docs over http on 127.0.0.1: the static server `make dev` starts, and the links the gates print."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request

import pytest

from dagster_project import docs_server


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "docs"
    (root / "gx" / "validations").mkdir(parents=True)
    (root / "gx" / "index.html").write_text("<html>index</html>", encoding="utf-8")
    (root / "gx" / "validations" / "run 1.html").write_text("<html>run</html>", encoding="utf-8")
    server = docs_server.make_server(root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, server.server_address
    finally:
        server.shutdown()
        server.server_close()


def test_serves_the_docs_folder_on_localhost_only(served):
    _root, (host, port) = served
    assert host == "127.0.0.1"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:  # -> the GX index
        assert response.url.endswith("/gx/index.html") and b"index" in response.read()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/gx/validations/run%201.html", timeout=10) as response:
        assert response.read() == b"<html>run</html>"
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/../secret", timeout=10)


def test_links_are_http_addresses_of_pages_under_data_docs(tmp_path, monkeypatch):
    page = tmp_path / "docs" / "gx" / "validations" / "a b.html"
    monkeypatch.setenv("OGI_DOCS_PORT", "3999")
    assert docs_server.http_url(page, tmp_path) == "http://127.0.0.1:3999/gx/validations/a%20b.html"
    assert docs_server.http_url(page.as_uri(), tmp_path) == "http://127.0.0.1:3999/gx/validations/a%20b.html"
    assert docs_server.http_url(tmp_path / "elsewhere.html", tmp_path) is None
    assert docs_server.http_url(None, tmp_path) is None
    monkeypatch.delenv("OGI_DOCS_PORT")
    assert docs_server.docs_port() == docs_server.DEFAULT_PORT == 3001
