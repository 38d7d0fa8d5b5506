"""One writer at a time: a second writer waits for the data folder's lock, or gives up clearly."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from ingest.lock import BuildLockTimeout, build_lock, holder


def _hold_in_child(root, seconds: float) -> subprocess.Popen:
    code = textwrap.dedent(
        f"""
        import time
        from ingest.lock import build_lock
        with build_lock({str(root)!r}, "test holder"):
            print("held", flush=True)
            time.sleep({seconds})
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


def test_a_second_writer_waits_with_a_message_then_runs(tmp_path):
    child = _hold_in_child(tmp_path, 2)
    said: list[str] = []
    t0 = time.monotonic()
    with build_lock(tmp_path, "second", timeout=30, log=said.append):
        waited = time.monotonic() - t0
    child.wait(10)
    assert waited >= 1.0
    assert len(said) == 1 and "test holder" in said[0] and f"pid {child.pid}" in said[0]


def test_a_second_writer_gives_up_with_a_clear_error(tmp_path):
    child = _hold_in_child(tmp_path, 5)
    try:
        with (
            pytest.raises(BuildLockTimeout, match="another writer holds the data folder"),
            build_lock(tmp_path, "second", timeout=0.5, log=lambda m: None),
        ):
            pass
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    child = _hold_in_child(tmp_path, 60)
    child.kill()
    child.wait()
    with build_lock(tmp_path, "after", timeout=2):
        assert "after" in holder(tmp_path)


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with build_lock(tmp_path, "outer", timeout=1), build_lock(tmp_path, "inner", timeout=1):
        assert "outer" in holder(tmp_path)
