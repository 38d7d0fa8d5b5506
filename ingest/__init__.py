"""ogi-warehouse ingest: the parser (one report file -> one canonical record, see RECORD.md) and the
landing -> raw -> parsed steps. `parse_bytes` and `parse_file` load the parser on first use, so a
light module (ingest.calendar, ingest.lock) does not pull in lxml, OpenCC and the PDF readers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

PARSER_VERSION = "0.3.0"
__version__ = PARSER_VERSION

if TYPE_CHECKING:
    from .parser import parse_bytes, parse_file

__all__ = ["PARSER_VERSION", "parse_bytes", "parse_file"]


def __getattr__(name: str) -> Any:
    if name in ("parse_bytes", "parse_file"):
        from . import parser

        return getattr(parser, name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
