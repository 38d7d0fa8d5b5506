"""The parser: one report file -> one canonical record, in steps, one module each.

decode          bytes -> text (BOM, UTF-8 / GB18030, NFKC, traditional -> simplified)
readers/        one reader per source kind; each yields lines and grids of cells
tokens          lines and cells -> one stream of label / number / empty tokens
labels          every label, heading, anchor and row list: printed words -> canonical keys
solver          glued digits and shredded rows: readings that satisfy a table's arithmetic
tables          token stream -> tables 2, 3 and 4 with every cell's provenance
meta            agency, year, publication date, region prefix
narrative       numbers stated in the prose
findings        stable finding codes and the spec's arithmetic
document        the steps in order for one file (parse_bytes / parse_file)
"""

from .document import parse_bytes, parse_file

__all__ = ["parse_bytes", "parse_file"]
