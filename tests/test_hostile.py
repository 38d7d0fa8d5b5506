"""Hostile inputs: each gives exactly one record, with a clear issue, no traceback, in bounded time and
memory, through the command line (`python -m ingest parse FILE`) and through `ingest.parse_bytes`.

Every case runs in a subprocess with a wall-clock timeout and an address-space limit, so a parser that
hangs, recurses without bound or balloons in memory fails the test instead of taking CI down.
"""

from __future__ import annotations

import json
import os
import random
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import synth

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 60
MEM_BYTES = 3 * 1024**3

API_SNIPPET = (
    "import json, sys, ingest\n"
    "p = sys.argv[1]\n"
    "rec = ingest.parse_bytes(open(p, 'rb').read(), p)\n"
    "sys.stdout.write(json.dumps(rec, ensure_ascii=False) + '\\n')\n"
)


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEM_BYTES, MEM_BYTES))


def _run(path: Path, mode: str) -> tuple[dict, float, str]:
    if mode == "cli":
        cmd = [sys.executable, "-m", "ingest", "parse", "--no-cells", str(path)]
    else:
        cmd = [sys.executable, "-c", API_SNIPPET, str(path)]
    t0 = time.monotonic()
    p = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        timeout=TIMEOUT_S,
        preexec_fn=_limits,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    dt = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    assert p.returncode == 0, (p.returncode, err[-3000:])
    lines = [x for x in p.stdout.decode("utf-8").splitlines() if x.strip()]
    assert len(lines) == 1, f"expected one JSON line, got {len(lines)}"
    rec = json.loads(lines[0])
    assert isinstance(rec.get("issues"), list)
    assert rec.get("file") == str(path)
    return rec, dt, err


def _report_html(seed: int = 1) -> str:
    rng = random.Random(seed)
    t = synth.random_truth(rng, 2021)
    data, meta = synth.render(t, rng, "html_table")
    return data.decode(meta["encoding"])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    out: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        (d / name).write_bytes(data)
        out[name] = d / name

    put("empty.html", b"")
    put("garbage.bin", random.Random(5).randbytes(200_000))
    page = _report_html()
    i = page.find("本年度办理结果")
    put("truncated.html", page[: i + 300].encode("utf-8"))
    # 50 MB: a report with a pasted base64 picture and a very long run of repeated paragraphs
    big = page.replace(
        "<body>", '<body><img src="data:image/png;base64,' + "iVBORw0KGgo" * 3_600_000 + '">', 1
    ).replace("</body>", "<div>" + "<p>政府信息公开工作稳步推进。</p>" * 300_000 + "</div></body>", 1)
    put("big_50mb.html", big.encode("utf-8"))
    deep = "<html><body>" + "<table><tr><td>" * 5000 + "行政许可 12" + "</td></tr></table>" * 5000 + "</body></html>"
    put("deep_5000.html", deep.encode("utf-8"))
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td><td>0</td><td>{i}</td></tr>" for i in range(10_000))
    put(
        "rows_10000.html",
        (
            "<html><body><p>某某县人民政府2021年政府信息公开工作年度报告</p><table>" + rows + "</table></body></html>"
        ).encode("utf-8"),
    )
    mixed = (
        page[: len(page) // 3].encode("utf-8")
        + page[len(page) // 3 : len(page) // 2].encode("gb18030")
        + b"\xff\xfe\x80\x81"
        + page[len(page) // 2 :].encode("utf-8")
    )
    put("mixed_utf8_gbk.html", mixed)
    return d, out


@pytest.mark.parametrize("mode", ["cli", "api"])
@pytest.mark.parametrize(
    "name,expect",
    [
        ("empty.html", "error"),
        ("garbage.bin", "error"),
        ("truncated.html", "any"),
        ("big_50mb.html", "report"),
        ("deep_5000.html", "any"),
        ("rows_10000.html", "title"),
        ("mixed_utf8_gbk.html", "warning"),
    ],
)
def test_hostile_file(files, name, expect, mode):
    _d, out = files
    rec, dt, _err = _run(out[name], mode)
    sev = {i["severity"] for i in rec["issues"]}
    if expect == "error":
        assert "error" in sev, rec["issues"]
        assert rec["table3"] is None and rec["agency_name"] is None
    elif expect == "warning":
        assert sev & {"error", "warning"}, rec["issues"]
    elif expect == "report":
        # a valid report under a huge pasted picture: read it, or refuse it clearly
        codes = {i["code"] for i in rec["issues"]}
        assert "FILE_TOO_LARGE" in codes or (rec["report_year"] == 2021 and rec["table3"] is not None), rec["issues"]
    elif expect == "title":
        assert rec["report_year"] == 2021 and rec["table3"] is None
    else:
        assert rec["issues"], "a hostile file should leave at least one finding"
    for i in rec["issues"]:
        assert i["code"] and i["message"] and i["severity"] in ("error", "warning", "info")
    print(f"{name} [{mode}]: {dt:.1f}s, issues={[i['code'] for i in rec['issues']][:6]}")


def test_no_external_entities_no_fetch_no_script(tmp_path):
    """DOCTYPE SYSTEM, external entities and <script> are neither fetched, expanded nor executed."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET_MARKER_7f3a", encoding="utf-8")
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "DTD_MARKER_91c2">', encoding="utf-8")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.setblocking(False)
    port = srv.getsockname()[1]
    page = _report_html(2)
    head = (
        f'<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE html SYSTEM "http://127.0.0.1:{port}/evil.dtd" [\n'
        f'  <!ENTITY xxe SYSTEM "file://{secret}">\n'
        f'  <!ENTITY % remote SYSTEM "file://{dtd}"> %remote;\n'
        f'  <!ENTITY net SYSTEM "http://127.0.0.1:{port}/x">\n]>\n'
    )
    body_add = (
        "<p>&xxe;&leak;&net;</p>"
        "<script>document.write('<h1>伪造机构2099年政府信息公开工作年度报告</h1>');"
        f"fetch('http://127.0.0.1:{port}/beacon');</script>"
        f'<img src="http://127.0.0.1:{port}/pixel.gif"><iframe src="http://127.0.0.1:{port}/frame"></iframe>'
    )
    i = page.find("<html")
    doc = head + page[i:].replace("<body>", "<body>" + body_add, 1)
    f = tmp_path / "xxe.html"
    f.write_text(doc, encoding="utf-8")
    try:
        for mode in ("cli", "api"):
            rec, _dt, _err = _run(f, mode)
            blob = json.dumps(rec, ensure_ascii=False)
            assert "SECRET_MARKER_7f3a" not in blob
            assert "DTD_MARKER_91c2" not in blob
            assert rec["report_year"] != 2099 and "伪造机构" not in (rec["agency_name"] or "")
            assert rec["report_year"] == 2021
        try:
            conn, _ = srv.accept()
            conn.close()
            pytest.fail("the parser opened a network connection")
        except BlockingIOError:
            pass
    finally:
        srv.close()
