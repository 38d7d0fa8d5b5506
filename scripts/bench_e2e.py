"""End-to-end benchmark: N generated reports through the whole build, then the same build unchanged.

    python scripts/bench_e2e.py --n 10000 [--seed 11] [--years 2019-2024] [--dir data/bench] [--keep]

Generates N reports with `synth` (seeded; the portal mix of HTML and text pages with PDF and Word
attachments mixed in, about 1 in 9 and 1 in 18), runs `scripts/build_warehouse.py` on them in a
fresh data folder and Dagster home, then runs it again with nothing changed. For each build it
prints, side by side: the wall time of every Dagster step (from the run's event log) and the peak
resident memory of the process tree while it ran, the total,
reports per second, CPU time over wall time (how many cores the build kept busy) and the peak
resident memory of the whole process tree (the build and every worker, dbt included), sampled from
/proc every 0.2 s. No assertions and no thresholds: a report to read and to put in a note.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# weights of the generated mix: the five portal styles three times each, two PDF, one Word
MIX = [*("html_table", "pipe", "cell_per_line", "glued", "prose_only") * 3, "pdf", "pdf", "docx"]


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                stat = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{pid}/statm", "rb") as f:
                pages = int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(stat[1]), []).append(pid)
        rss[pid] = pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def _run_build(env: dict[str, str]) -> dict:
    """One `build_warehouse.py` run: wall, CPU (user + sys of the tree), peak tree RSS, run id."""
    before = os.times()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "build_warehouse.py")],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = 0
    samples: list[tuple[float, int]] = []  # (unix time, tree RSS kB): the peak of each step
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.2):
            rss = _tree_rss_kb(proc.pid)
            samples.append((time.time(), rss))
            peak = max(peak, rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    run_id = next((ln.split()[2].rstrip(":") for ln in out.splitlines() if ln.startswith("Dagster run ")), None)
    if proc.returncode != 0:
        sys.stderr.write(out[-4000:])
        raise SystemExit(f"the build failed (exit {proc.returncode})")
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1024, "run_id": run_id, "samples": samples}


def _step_windows(home: Path, run_id: str) -> dict[str, tuple[float, float]]:
    """(start, end) unix times of every Dagster step of a run, from its event log."""
    code = (
        "import json, sys\n"
        "from dagster import DagsterInstance, DagsterEventType\n"
        "starts, out = {}, {}\n"
        "with DagsterInstance.get() as inst:\n"
        "    for rec in inst.all_logs(sys.argv[1]):\n"
        "        ev = rec.dagster_event\n"
        "        if ev is None or not ev.step_key: continue\n"
        "        if ev.event_type == DagsterEventType.STEP_START: starts[ev.step_key] = rec.timestamp\n"
        "        elif ev.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):\n"
        "            out[ev.step_key] = (starts.get(ev.step_key, rec.timestamp), rec.timestamp)\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    got = subprocess.run([sys.executable, "-c", code, run_id], env=env, capture_output=True, text=True, check=True)
    return json.loads(got.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--years", default="2019-2024")
    ap.add_argument("--dir", type=Path, default=REPO / "data" / "bench")
    ap.add_argument("--keep", action="store_true", help="keep the benchmark's data folder")
    a = ap.parse_args(argv)

    import synth

    data, home = a.dir / "data", a.dir / "dagster_home"
    shutil.rmtree(a.dir, ignore_errors=True)
    home.mkdir(parents=True)
    shutil.copyfile(REPO / "scripts" / "dagster.yaml", home / "dagster.yaml")
    t0 = time.perf_counter()
    (data / "landing").mkdir(parents=True)
    synth.write_corpus(data / "landing" / "generated", a.n, a.seed, synth.parse_years(a.years), styles=MIX)
    (data / "synth").mkdir(exist_ok=True)
    (data / "landing" / "generated" / "truth.jsonl").replace(data / "synth" / "truth.jsonl")
    files = [p for p in (data / "landing").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"generated {len(files):,} reports ({size / 1e6:,.1f} MB) in {time.perf_counter() - t0:.0f} s", flush=True)

    env = {**os.environ, "OGI_DATA_DIR": str(data), "DAGSTER_HOME": str(home), "DAGSTER_DISABLE_TELEMETRY": "1"}
    env.pop("OGI_WAREHOUSE", None)
    runs = {}
    for label in ("first build", "unchanged rebuild"):
        print(f"{label} ...", flush=True)
        r = _run_build(env)
        windows = _step_windows(home, r["run_id"]) if r["run_id"] else {}
        r["steps"] = {k: end - start for k, (start, end) in windows.items()}
        r["step_peak_mb"] = {
            k: max((rss for t, rss in r["samples"] if start <= t <= end), default=0) / 1024
            for k, (start, end) in windows.items()
        }
        runs[label] = r

    labels = list(runs)
    steps = sorted({s for r in runs.values() for s in r["steps"]}, key=lambda s: runs[labels[0]]["steps"].get(s, 0))
    steps.reverse()
    width = max([len(s) for s in steps] + [24])
    print(f"\n{a.n:,} reports, {os.cpu_count()} cores\n")
    print(f"{'':{width}}  " + "  ".join(f"{lb:>18}" for lb in labels))
    print(f"{'step: wall, peak RSS':{width}}")
    for s in steps:
        print(
            f"{s:{width}}  "
            + "  ".join(
                f"{runs[lb]['steps'].get(s, float('nan')):>8.1f} s {runs[lb]['step_peak_mb'].get(s, 0):>6,.0f} MB"
                for lb in labels
            )
        )
    rows = [
        ("total wall", lambda r: f"{r['wall']:>16.1f} s"),
        ("reports per second", lambda r: f"{len(files) / r['wall']:>18.1f}"),
        ("ms per report", lambda r: f"{1000 * r['wall'] / len(files):>15.2f} ms"),
        ("CPU time / wall (cores)", lambda r: f"{r['cpu'] / r['wall']:>18.2f}"),
        ("peak RSS, process tree", lambda r: f"{r['peak_mb']:>15,.0f} MB"),
    ]
    for name, fmt in rows:
        print(f"{name:{width}}  " + "  ".join(fmt(runs[lb]) for lb in labels))
    print(f"\nwarehouse: {data / 'warehouse.duckdb'} ({(data / 'warehouse.duckdb').stat().st_size / 1e6:,.1f} MB)")
    if not a.keep:
        shutil.rmtree(a.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
