"""Old Word files (.doc, WPS .wps: OLE2 compound files; RTF) -> .docx through LibreOffice, then the
Word reader.

Conversion runs only when `soffice` (or `libreoffice`) is on PATH: headless, in a private temporary
directory with its own throw-away profile, no network use asked of it, killed after `TIMEOUT`
seconds. Without LibreOffice the record gets a `DOC_NOT_CONVERTED` error saying how to convert the
file, so the raw step quarantines it rather than guessing at the binary format.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = int(os.environ.get("OGI_SOFFICE_TIMEOUT", 60))
HOW = (
    "open it in Word or WPS and save it as .docx (or PDF), or install LibreOffice and run "
    "`soffice --headless --convert-to docx FILE`, then parse the converted file"
)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kind(data: bytes) -> str:
    return "an RTF document" if data.lstrip()[:5] == b"{\\rtf" else "a .doc/.wps (OLE2) document"


def convert(data: bytes, exe: str, timeout: int | None = None) -> bytes:
    """The .docx LibreOffice makes of `data`; raises RuntimeError with the reason when it makes none."""
    timeout = TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="ogi-soffice-") as tmp:
        src = Path(tmp, "in.rtf" if data.lstrip()[:5] == b"{\\rtf" else "in.doc")
        src.write_bytes(data)
        profile = Path(tmp, "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            tmp,
            str(src),
        ]
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")}
        env["HOME"] = tmp
        proc = subprocess.Popen(
            cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: LibreOffice and the helpers it started
            proc.communicate()
            raise RuntimeError(f"LibreOffice did not finish within {timeout} s") from None
        out = Path(tmp, "in.docx")
        if proc.returncode != 0 or not out.exists():
            msg = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise RuntimeError(f"LibreOffice could not convert it ({msg[0][:200]})")
        return out.read_bytes()


def read(data: bytes):
    from . import Read, docx

    what = _kind(data)
    exe = _soffice()
    if exe is None:
        return Read(
            "doc", None, [("DOC_NOT_CONVERTED", "error", f"{what}, which is read only after conversion: {HOW}")]
        )
    try:
        converted = convert(data, exe)
    except (RuntimeError, OSError) as exc:
        return Read("doc", None, [("DOC_NOT_CONVERTED", "error", f"{what}: {exc}; {HOW}")])
    got = docx.read(converted)
    got.kind = "doc"
    got.notes.insert(0, ("DOC_CONVERTED", "info", f"{what}, converted to .docx with LibreOffice and read as Word"))
    return got
