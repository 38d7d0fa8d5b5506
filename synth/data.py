"""The generator's fixed texts, read once from the package's `templates/` folder."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def text(name: str) -> str:
    """A template file's text, exactly as stored (UTF-8)."""
    return resources.files("synth").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def json_data(name: str) -> Any:
    return json.loads(text(name))
