"""Glued numbers: the readings a run of digits allows once the separators between cells are lost,
under the table's arithmetic (a table-3 row's total, table 4's group totals)."""

from __future__ import annotations

import re


def _int_ok(s: str) -> bool:
    return s.isdigit() and (s == "0" or s[0] != "0")


def t3_row_splits(s: str, limit: int = 2) -> list[list[int]]:
    """Ways to read a glued table-3 row (6 applicant numbers then their sum), up to `limit`."""
    out: list[list[int]] = []
    for j in range(1, len(s)):
        tot_s = s[j:]
        if not _int_ok(tot_s):
            continue
        tot = int(tot_s)
        _dfs_sum(s[:j], 6, tot, [], out, limit)
        if len(out) >= limit:
            break
    return out[:limit]


def _dfs_sum(s: str, k: int, left: int, acc: list[int], out: list, limit: int) -> None:
    if len(out) >= limit:
        return
    if k == 0:
        if not s and left == 0:
            out.append(acc + [sum(acc)])
        return
    if len(s) < k:
        return
    for ln in range(1, min(len(s) - k + 1, len(str(left)) if left > 0 else 1) + 1):
        part = s[:ln]
        if not _int_ok(part):
            break
        v = int(part)
        if v > left:
            break
        _dfs_sum(s[ln:], k - 1, left - v, acc + [v], out, limit)


def t4_run_splits(s: str, limit: int = 8) -> list[list[int]]:
    """Ways to read table 4's 15 numbers glued into one run (3 x (4 numbers and their sum))."""
    out: list[list[int]] = []

    def group(pos: int, g: int, acc: list[int]) -> None:
        if len(out) >= limit:
            return
        if g == 3:
            if pos == len(s):
                out.append(acc)
            return

        def four(p: int, k: int, parts: list[int]) -> None:
            if len(out) >= limit:
                return
            if k == 4:
                t = str(sum(parts))
                if s.startswith(t, p):
                    group(p + len(t), g + 1, acc + parts + [sum(parts)])
                return
            for ln in range(1, 6):
                part = s[p : p + ln]
                if len(part) < ln or not _int_ok(part):
                    break
                four(p + ln, k + 1, parts + [int(part)])

        four(pos, 0, [])

    group(0, 0, [])
    return out


def num_tokens_splits(s: str, kinds: list[str], limit: int = 2) -> int:
    """Number of ways (up to limit) to split s into len(kinds) numbers; kind: int | neg | dec."""
    pat = {
        "int": re.compile(r"0|[1-9]\d*"),
        "neg": re.compile(r"-?(?:0|[1-9]\d*)"),
        "dec": re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?"),
    }
    count = 0

    def rec(p: int, i: int) -> None:
        nonlocal count
        if count >= limit:
            return
        if i == len(kinds):
            if p == len(s):
                count += 1
            return
        for e in range(p + 1, len(s) + 1):
            if pat[kinds[i]].fullmatch(s[p:e]):
                rec(e, i + 1)

    rec(0, 0)
    return count
