"""ogi-warehouse parser: one annual-report file -> one canonical record (see RECORD.md)."""

PARSER_VERSION = "0.1.0"
__version__ = PARSER_VERSION

from .parser import parse_bytes, parse_file  # noqa: E402

__all__ = ["PARSER_VERSION", "parse_bytes", "parse_file"]
