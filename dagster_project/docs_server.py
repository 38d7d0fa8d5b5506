"""Data Docs over http: a static file server for data/docs/ on 127.0.0.1, and the links to it.

The Dagster UI runs in a browser, which will not open the `file://` pages Great Expectations
writes, so the gates link to http://127.0.0.1:<port>/... instead and `make dev` starts this server
beside the UI (and stops it with the UI):

    python -m dagster_project.docs_server [--port 3001] [--directory data/docs]

The port is `OGI_DOCS_PORT` (default 3001), read by the server and by the checks that print the
links. Standard library only; bound to 127.0.0.1, nothing else is reachable from outside.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from ingest.landing import default_data_root

HOST = "127.0.0.1"
PORT_ENV = "OGI_DOCS_PORT"
DEFAULT_PORT = 3001
INDEX = "gx/index.html"  # the Great Expectations site's index, under data/docs/


def docs_port() -> int:
    """The docs server's port: `OGI_DOCS_PORT`, else 3001."""
    value = os.environ.get(PORT_ENV, "").strip()
    return int(value) if value else DEFAULT_PORT


def docs_root(data_root: str | os.PathLike | None = None) -> Path:
    """The folder the server serves: <data root>/docs."""
    return Path(data_root or default_data_root()) / "docs"


def http_url(page: str | os.PathLike | None, data_root: str | os.PathLike | None = None) -> str | None:
    """The http address of a page under data/docs/ (a path or a `file://` URL), None when the page is
    not under it. Pure apart from reading the port from the environment."""
    if page is None:
        return None
    text = str(page)
    path = Path(unquote(urlparse(text).path)) if text.startswith("file:") else Path(text)
    try:
        rel = path.resolve().relative_to(docs_root(data_root).resolve())
    except ValueError:
        return None
    return f"http://{HOST}:{docs_port()}/{quote(rel.as_posix())}"


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path in ("", "/"):  # the root is the Great Expectations index
            self.send_response(302)
            self.send_header("Location", "/" + INDEX)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args) -> None:  # quiet: the UI's log is the one to read
        pass


def make_server(directory: str | os.PathLike, port: int) -> ThreadingHTTPServer:
    """A server for `directory` on 127.0.0.1:`port` (0: any free port), not yet serving."""
    handler = functools.partial(_Handler, directory=str(directory))
    return ThreadingHTTPServer((HOST, port), handler)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dagster_project.docs_server", description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=docs_port())
    ap.add_argument("--directory", default=None, help="default: <data root>/docs")
    args = ap.parse_args(argv)
    directory = Path(args.directory) if args.directory else docs_root()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        server = make_server(directory, args.port)
    except OSError as exc:
        print(f"Data Docs server: cannot listen on {HOST}:{args.port} ({exc}); set {PORT_ENV}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # a background job of a non-interactive shell (the Makefile's) starts with SIGINT ignored: take it
    # back, so Ctrl-C in the terminal of `make dev` stops this server with the UI
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(f"Data Docs: http://{HOST}:{server.server_address[1]}/{INDEX} (serving {directory})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
