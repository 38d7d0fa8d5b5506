"""The landing sensor's cursor is a short pointer to a state kept under data/sensor/, however many
files landed (the Dagster UI prints the cursor above the tick history); it learns a file's year from
the record store, parsing only what no run parsed before, within a time budget. No Dagster run."""

from __future__ import annotations

import json

from conftest import data_env, write_landing
from dagster import build_sensor_context

from dagster_project.sensors import landing_sensor
from ingest import changes, landing

N_FILES = 400
NOT_A_REPORT = "会议纪要 第{n}号\n本次会议讨论了办公用品采购事宜。\n"


def test_cursor_stays_short_with_many_landing_files(tmp_path):
    root = tmp_path / "data"
    folder = root / "landing" / "many"
    folder.mkdir(parents=True)
    for n in range(N_FILES):
        (folder / f"note_{n:04d}.txt").write_text(NOT_A_REPORT.format(n=n), encoding="utf-8")
    with data_env(root):
        first = landing_sensor(build_sensor_context(cursor=None))
        assert first.run_requests  # every file is new (they will be quarantined: the last partition)
        cursor = first.cursor
        assert len(cursor) < 200
        state = changes.load_state(root, cursor)
        assert len(state) == N_FILES
        # the state JSON the cursor used to carry is tens of kilobytes
        assert len(json.dumps(state, separators=(",", ":"))) > 100 * len(cursor)

        second = landing_sensor(build_sensor_context(cursor=cursor))
        assert second.run_requests == [] and second.cursor == cursor  # same state, same version

        (folder / "note_0000.txt").unlink()
        third = landing_sensor(build_sensor_context(cursor=cursor))
        assert len(third.cursor) < 200 and third.cursor != cursor
        assert len(changes.load_state(root, third.cursor)) == N_FILES - 1


def test_state_files_are_content_addressed_and_pruned(tmp_path):
    versions = [changes.save_state(tmp_path, {f"f{i}.txt": [i, 1, "ab" * 32, 2021]}) for i in range(12)]
    assert len(set(versions)) == 12 and all(len(v) == changes.VERSION_CHARS for v in versions)
    kept = sorted(p.name.split(".")[0] for p in changes.state_dir(tmp_path).glob("*.json.gz"))
    assert kept == sorted(versions[-changes.KEEP_STATES :])
    assert changes.load_state(tmp_path, versions[-1]) == {"f11.txt": [11, 1, "ab" * 32, 2021]}
    assert changes.save_state(tmp_path, {"f11.txt": [11, 1, "ab" * 32, 2021]}) == versions[-1]
    assert changes.load_state(tmp_path, versions[0]) is None  # pruned
    assert changes.load_state(tmp_path, "../../etc/passwd") is None  # not a version


def test_a_lost_state_or_an_old_json_cursor_still_gives_a_baseline(tmp_path):
    from dagster_project.sensors import previous_state

    root = tmp_path / "data"
    (root / "landing").mkdir(parents=True)
    assert previous_state(None, root) == {}  # no raw index yet: an empty baseline
    assert previous_state('{"a.txt": [1, 2, "x", 2021]}', root) == {"a.txt": [1, 2, "x", 2021]}
    assert previous_state("0" * changes.VERSION_CHARS, root) is None  # the sensor falls back to the index
    with data_env(root):
        result = landing_sensor(build_sensor_context(cursor="0" * changes.VERSION_CHARS))
    assert result.run_requests == [] and changes.load_state(root, result.cursor) == {}


def test_the_sensor_parses_once_and_the_raw_step_reuses_its_records(tmp_path):
    """Parse once: a tick parses each new file in the worker pool and stores object and record; the
    raw step of the run it requests reads them and parses nothing; a tick from scratch reads them too."""
    root = tmp_path / "data"
    write_landing(root, n_generated=6)
    with data_env(root):
        diff = changes.diff_landing(root, {}, max_year=2025)
    n_files = len(diff.state)
    assert diff.lookup.reused == 0 and diff.lookup.deferred == []
    assert 0 < diff.lookup.parsed < n_files  # the copy of a seed shares its record
    assert diff.years == {2020, 2021, 2022} and diff.unpartitioned  # garbage.bin, no_year.txt

    result = landing.ingest_landing(root, max_year=2025)
    assert result.parse.parsed == 0 and result.parse.reused == diff.lookup.parsed
    by_path = {row["path"]: row for row in landing.read_index(root)}
    for path, (_mtime, _size, sha, year) in diff.state.items():
        assert by_path[path]["sha256"] == sha
        assert (by_path[path]["report_year"] if by_path[path]["status"] != "quarantined" else None) == year

    again = changes.diff_landing(root, {}, max_year=2025)
    assert again.lookup.parsed == 0 and again.lookup.reused == n_files and again.state == diff.state


def test_a_tick_out_of_parse_time_leaves_the_rest_for_the_next(tmp_path):
    root = tmp_path / "data"
    write_landing(root, n_generated=6)
    first = changes.diff_landing(root, {}, max_year=2025, budget_s=0)
    assert first.lookup.parsed >= 1 and first.lookup.deferred
    assert not set(first.lookup.deferred) & set(first.state)  # unseen: new again next tick
    second = changes.diff_landing(root, first.state, max_year=2025)
    assert second.lookup.deferred == [] and set(first.lookup.deferred) <= set(second.changed_paths)
    full = changes.diff_landing(root, {}, max_year=2025)
    assert second.state == full.state and full.lookup.parsed == 0
