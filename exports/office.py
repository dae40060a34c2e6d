"""LibreOffice (headless) as the converter to OpenDocument and PDF: documents (.docx → .odt/.pdf) and tables
(.xlsx → .ods). ODF is a mandatory open standard for the Dutch government; LibreOffice users save it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reference.errors import ToezichtError

CONVERT_SECONDS = 120
PACKAGES = {"odt": "libreoffice-writer-nogui", "pdf": "libreoffice-writer-nogui", "ods": "libreoffice-calc-nogui"}


class ConversionError(ToezichtError):
    """LibreOffice is missing or could not convert a file (a Dutch message fit to show)."""


def soffice() -> str | None:
    """The LibreOffice program, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_file(data: bytes, suffix: str, fmt: str, timeout: int = CONVERT_SECONDS) -> bytes:
    """A file's bytes (of type `suffix`, e.g. 'docx' or 'xlsx') converted by LibreOffice to `fmt` ('odt', 'pdf',
    'ods'); a Dutch ConversionError when it cannot."""
    program = soffice()
    if program is None:
        raise ConversionError("LibreOffice is niet geïnstalleerd op deze computer, dus kan er geen "
                              f".{fmt}-bestand worden gemaakt. Installeer het (Debian: apt-get install "
                              f"{PACKAGES.get(fmt, 'libreoffice-nogui')}) of download het .{suffix}-bestand en sla het "
                              f"zelf op als .{fmt}.")
    with tempfile.TemporaryDirectory(prefix="toezicht-doc-") as tmp:
        source = Path(tmp) / f"document.{suffix}"
        source.write_bytes(data)
        # An own profile folder: two conversions at once (or a user's open LibreOffice) never share a lock.
        profile = Path(tmp) / "profiel"
        env = dict(os.environ, HOME=tmp)
        try:
            done = subprocess.run(
                [program, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", fmt, "--outdir", tmp, str(source)],
                capture_output=True, timeout=timeout, check=False, env=env,
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice deed er langer dan {timeout} seconden over om het bestand "
                                  f"om te zetten naar .{fmt}; probeer het opnieuw.") from exc
        target = Path(tmp) / f"document.{fmt}"
        if done.returncode != 0 or not target.exists():
            raise ConversionError(f"LibreOffice kon het bestand niet omzetten naar .{fmt}.")
        return target.read_bytes()
