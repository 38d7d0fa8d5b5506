"""The Dagster UI as the backfill user sees it, in headless Chromium (Debian's, driven by Playwright;
`make test-ui`, marker `ui`, which `make test` leaves out).

The UI is `dg dev`, as `make dev` starts it, on a free port of 127.0.0.1, over the small test sample
(tests/conftest.py `write_landing`: the seed reports and generated ones of 2020-2022) in a folder and
a Dagster instance of its own. One landing report of 2020 carries a negative count that its stored
parser record kept, as a parser that let it through would (the parser nulls such a count with a
NEGATIVE_COUNT finding; the record store is where the raw step takes each file's record from).

1. The global asset lineage; **Materialize all…**; the years typed in the dialog; **Launch backfill**:
   the backfill makes one run, which succeeds.
2. Every Great Expectations gate's execution history says Passed for both years.
3. The same dialog launches 2020: the parsed_cells gate fails on 2020, its result lists the file and
   its cell, nothing downstream runs, 2020 is red (failed) on the partition bars of the facts, the
   marts and the published warehouse, and the published warehouse is the one of step 1.

Clicks are the UI's own: the dialog, its partition box and buttons. Waiting for runs and counting a
backfill's runs read the UI's GraphQL endpoint (what its pages poll), and the pages are checked too.
Screenshots of every step: data/docs/ui/.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, SEEDS, write_landing

pytestmark = [pytest.mark.slow, pytest.mark.ui]

SHOTS = ROOT / "data" / "docs" / "ui"
BACKFILL_YEARS = ("2021", "2022")
BAD_YEAR = "2020"
BAD_FILE = "poisoned/negative_count_2020.txt"
GATES = {  # asset path -> its Great Expectations gate
    "parsed_reports": "gx_parsed_reports",
    "parsed_cells": "gx_parsed_cells",
    "parsed_findings": "gx_parsed_findings",
    "parsed_narrative": "gx_parsed_narrative",
    "marts/fct_requests": "gx_fct_requests",
    "marts/fct_request_outcomes": "gx_fct_request_outcomes",
    "marts/fct_litigation": "gx_fct_litigation",
    "marts/fct_proactive_disclosure": "gx_fct_proactive_disclosure",
    "marts/fct_report_findings": "gx_fct_report_findings",
    "marts/mart_agency_year": "gx_mart_agency_year",
}
RUN_TIMEOUT = 1500  # seconds: a backfill on 2 busy cores takes a few minutes; leave it room


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _default_signals() -> None:
    """The UI's processes stop on SIGTERM even when this one was started with it ignored."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)


def poisoned_report(root: Path) -> None:
    """Seed 001 as its bureau's 2020 report with one table-3 count printed negative, landed, and
    its record stored as a parser that kept the negative count would have written it."""
    from ingest import landing, parse_bytes

    lines = (SEEDS / "001_14e0d869ad77c16d.txt").read_text(encoding="utf-8").split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("一、本年新收"))
    j = next(k for k in range(i + 1, len(lines)) if lines[k].strip().isdigit())
    lines[j] = "-4"  # natural persons, new requests
    data = "\n".join(lines).replace("2021", "2020").replace("2022", "2021").encode("utf-8")
    path = root / "landing" / BAD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record = parse_bytes(data, BAD_FILE)
    assert record["report_year"] == int(BAD_YEAR)
    assert record["table3"]["new_received"]["natural_person"] is None  # the parser's own answer
    record["table3"]["new_received"]["natural_person"] = -4
    for cell in record["cells"]:
        if (cell["table"], cell["row"], cell["column"]) == ("table3", "new_received", "natural_person"):
            cell["value"] = -4
    record["issues"] = [i for i in record["issues"] if i["code"] != "NEGATIVE_COUNT"]
    landing.save_record(root, hashlib.sha256(data).hexdigest(), record)


@dataclass
class UI:
    base: str
    root: Path
    log: Path


def graphql(page, base: str, query: str, variables: dict | None = None) -> dict:
    """A query to the UI's own GraphQL endpoint, from the page's browser context."""
    response = page.request.post(f"{base}/graphql", data={"query": query, "variables": variables or {}})
    assert response.ok, response.text()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def _wait_until_loaded(base: str, proc: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    import urllib.request

    query = json.dumps(
        {
            "query": "{ workspaceOrError { ... on Workspace { locationEntries { name "
            "locationOrLoadError { __typename } } } } }"
        }
    ).encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"dg dev exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            request = urllib.request.Request(
                f"{base}/graphql", data=query, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as r:
                entries = json.load(r)["data"]["workspaceOrError"]["locationEntries"]
            kinds = {e["name"]: (e["locationOrLoadError"] or {}).get("__typename") for e in entries}
            if kinds.get("ogi_warehouse") == "RepositoryLocation":
                return
            if kinds.get("ogi_warehouse") == "PythonError":
                raise AssertionError(f"the code location did not load:\n{log.read_text(errors='replace')[-3000:]}")
        except OSError:
            pass
        time.sleep(2)
    raise AssertionError(f"the UI did not come up in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> Iterator[UI]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-zenhei (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    base_dir = tmp_path_factory.mktemp("ui")
    root, home = base_dir / "data", base_dir / "dagster_home"
    write_landing(root)
    poisoned_report(root)
    home.mkdir()
    shutil.copyfile(ROOT / "scripts" / "dagster.yaml", home / "dagster.yaml")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()

    port = free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "OGI_DATA_DIR": str(root),
        "DAGSTER_HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(bin_dir.parent),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DO_NOT_TRACK": "1",
    }
    env.pop("OGI_WAREHOUSE", None)
    log = base_dir / "dg_dev.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(bin_dir / "dg"), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_signals,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_loaded(base, proc, log)
        yield UI(base, root, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_lineage(page, ui: UI) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{ui.base}/asset-groups")
    materialize = page.get_by_role("button", name="Materialize all")
    materialize.first.wait_for(timeout=60_000)
    skip = page.get_by_role("button", name="Skip")  # the "Join the community" dialog of a first visit
    try:
        skip.wait_for(timeout=5_000)
    except PlaywrightTimeout:  # not shown: the instance was visited before
        return
    skip.click()


def launch_from_dialog(page, ui: UI, years: str, n_partitions: int, button: str, name: str) -> None:
    """Materialize all… -> type the years -> the launch button, as a user does."""
    open_lineage(page, ui)
    page.get_by_role("button", name="Materialize all").first.click()
    dialog = page.get_by_role("dialog")
    box = dialog.get_by_placeholder(re.compile("^ex: "))
    box.wait_for(timeout=60_000)
    box.fill(years)
    box.press("Enter")
    dialog.get_by_text(f"{n_partitions} partition{'s' if n_partitions > 1 else ''}", exact=True).wait_for()
    shot(page, f"{name}_dialog")
    dialog.get_by_role("button", name=button).click()
    dialog.wait_for(state="detached", timeout=120_000)


RUNS_QUERY = """query($filter: RunsFilter) { runsOrError(filter: $filter) { ... on Runs { results {
  runId status tags { key value } } } } }"""
PARTITIONS_QUERY = """query($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) { ... on AssetNode {
  assetPartitionStatuses { ... on TimePartitionStatuses { ranges { status startKey endKey } } } } } }"""
BACKFILL_QUERY = """query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill {
  status runs(limit: 20) { runId status } } } }"""


def partition_status(page, ui: UI, asset: str) -> dict[str, str]:
    """{year: MATERIALIZED | FAILED | ...} of an asset's partitions, as its partition bar draws them."""
    data = graphql(page, ui.base, PARTITIONS_QUERY, {"path": asset.split("/")})["assetNodeOrError"]
    out = {}
    for r in data["assetPartitionStatuses"]["ranges"]:
        for year in range(int(r["startKey"]), int(r["endKey"]) + 1):
            out[str(year)] = r["status"]
    return out


def wait_for(page, ui: UI, poll, done, timeout: float = RUN_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = poll()
        if done(value):
            return value
        time.sleep(5)
    raise AssertionError(f"still {value} after {timeout} s:\n{ui.log.read_text(errors='replace')[-3000:]}")


def history_rows(page, ui: UI, asset: str, check: str) -> list[str]:
    page.goto(f"{ui.base}/assets/{asset}?view=checks&checkDetail={check}")
    page.get_by_text("Execution history", exact=True).click()
    page.locator("tr").nth(1).wait_for(timeout=60_000)
    return [r.inner_text() for r in page.locator("tr").all()][1:]  # the first is the header


def latest_for_year(rows: list[str], year: str) -> str:
    """The newest row of a year in a check's execution history (newest first)."""
    for row in rows:
        if re.search(rf"(^|\s){year}(\s|$)", row):
            return row
    raise AssertionError(f"no result for {year} in {rows}")


def published_build(ui: UI) -> str | None:
    import duckdb

    warehouse = ui.root / "warehouse.duckdb"
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select build_id from marts.build_info").fetchone()[0]


def test_a_backfill_from_the_ui_is_one_run_and_its_gates_pass_per_year(ui: UI, page):
    open_lineage(page, ui)
    page.get_by_text("published", exact=True).first.wait_for()
    shot(page, "01_lineage")
    startup = ui.log.read_text(errors="replace")
    assert "SupersessionWarning" not in startup and "dagster dev" not in startup  # `make dev`'s entry point
    launch_from_dialog(page, ui, f"[{BACKFILL_YEARS[0]}...{BACKFILL_YEARS[1]}]", 2, "Launch backfill", "02")
    link = page.locator("a[href*='/runs/b/']").first
    link.wait_for(timeout=60_000)
    backfill_id = link.get_attribute("href").rsplit("/", 1)[-1].split("?")[0]

    backfill = wait_for(
        page,
        ui,
        lambda: graphql(page, ui.base, BACKFILL_QUERY, {"id": backfill_id})["partitionBackfillOrError"],
        lambda b: b["status"] not in ("REQUESTED", "CANCELING"),
    )
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    assert [r["status"] for r in backfill["runs"]] == ["SUCCESS"], backfill  # one run, not one per layer
    (run_id,) = [r["runId"] for r in backfill["runs"]]
    assert published_build(ui) == run_id

    page.goto(f"{ui.base}/runs/b/{backfill_id}?tab=runs")
    page.get_by_text(run_id[:8]).first.wait_for(timeout=60_000)
    hrefs = {a.get_attribute("href") or "" for a in page.locator("a[href^='/runs/']").all()}
    assert {h for h in hrefs if re.fullmatch(r"/runs/[0-9a-f-]{36}", h)} == {f"/runs/{run_id}"}
    shot(page, "03_backfill_one_run")
    page.goto(f"{ui.base}/runs/b/{backfill_id}")
    page.get_by_text("raw_reports").first.wait_for(timeout=60_000)
    shot(page, "04_backfill_assets")

    for asset, check in GATES.items():
        rows = history_rows(page, ui, asset, check)
        for year in BACKFILL_YEARS:
            assert "Passed" in latest_for_year(rows, year), (asset, check, year, rows[:4])
        if asset == "marts/fct_requests":
            shot(page, "05_gate_passed_per_year")


def test_a_failing_gate_names_the_offending_file_and_stops_publishing(ui: UI, page):
    before = published_build(ui)
    assert before is not None  # the backfill above published
    launch_from_dialog(page, ui, BAD_YEAR, 1, "Launch 1 run", "06")

    def bad_year_runs():
        runs = graphql(
            page, ui.base, RUNS_QUERY, {"filter": {"tags": [{"key": "dagster/partition", "value": BAD_YEAR}]}}
        )
        return runs["runsOrError"]["results"]

    runs = wait_for(page, ui, bad_year_runs, lambda rs: rs and rs[0]["status"] in ("SUCCESS", "FAILURE", "CANCELED"))
    assert [r["status"] for r in runs] == ["FAILURE"], runs

    from playwright.sync_api import expect

    page.goto(f"{ui.base}/assets/parsed_cells?view=checks&checkDetail=gx_parsed_cells")
    # the check's latest result: failed on 2020, its offending row naming the file and the cell
    expect(page.get_by_text(re.compile(rf"^{BAD_YEAR}: value_non_negative \(ERROR, 1 rows\)$"))).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text("Failed", exact=True).first).to_be_visible()
    row = page.locator("tr").filter(has_text=BAD_FILE).last  # the innermost: the offending rows' table
    expect(row).to_contain_text("table3 new_received.natural_person")
    expect(row).to_contain_text("-4")
    shot(page, "07_gate_failed_offending_file")
    rows = history_rows(page, ui, "parsed_cells", "gx_parsed_cells")
    assert "Failed" in latest_for_year(rows, BAD_YEAR)
    for year in BACKFILL_YEARS:
        assert "Passed" in latest_for_year(rows, year)
    shot(page, "08_gate_history")
    assert published_build(ui) == before  # the failed gate stopped publishing

    # the year the gate failed is red on every asset downstream of the gate, the years before stay green
    for asset in ("marts/fct_requests", "marts/mart_agency_year", "published_warehouse"):
        status = partition_status(page, ui, asset)
        assert status.get(BAD_YEAR) == "FAILED", (asset, status)
        assert all(status.get(y) == "MATERIALIZED" for y in BACKFILL_YEARS), (asset, status)
    page.goto(f"{ui.base}/assets/published_warehouse?view=partitions")
    page.get_by_text("Failed", exact=False).first.wait_for(timeout=60_000)
    shot(page, "09_published_partition_failed")
