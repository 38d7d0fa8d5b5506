"""Readers: one module per source kind, each turning a file into lines and grids of cells."""
