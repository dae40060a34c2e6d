"""The Jaarbeeld pack: every figure as PNG (300 dpi at print width) and SVG, the numbers as one XLSX (a sheet per
figure, plus findings, framework items and sources) and a CSV per figure, a README with figures and captions, and
a draft .docx. Images need kaleido with a Chromium; without one the pack still holds everything else.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import time
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from exports import csv_bytes, xlsx_bytes
from jaarbeeld.content import Yearbook
from charts.print import PRESETS
from reference.dutch import month_year
from reference.vocab import SMALL_N, SMALL_N_MARK

Progress = Callable[[float, str], None]
_KALEIDO_LOCK = threading.RLock()  # one process-wide kaleido server: one pack renders at a time
_WARM = threading.Event()  # set while image_server() keeps the server open
NO_IMAGES = ("Afbeeldingen (PNG/SVG) konden niet worden gemaakt: {reason}. Het pakket bevat wel de cijfers, de README "
             "en het concept-document zonder afbeeldingen; in de app kunt u elke grafiek met het camera-icoon als PNG "
             "downloaden. Installeer Chromium (zie README) om de afbeeldingen mee te leveren.")


@dataclass
class Pack:
    """The files of one year's pack (path inside the pack → bytes), what it took and whether images were made."""

    year: int
    files: dict[str, bytes] = field(default_factory=dict)
    images: bool = False
    message: str = ""
    seconds: float = 0.0

    @property
    def folder(self) -> str:
        return f"jaarbeeld-{self.year}"

    def zip_bytes(self) -> bytes:
        """All files in one ZIP under the folder jaarbeeld-<year>/."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                archive.writestr(f"{self.folder}/{name}", data)
        return buffer.getvalue()

    def write(self, out: Path) -> list[Path]:
        """Write every file under `out` (created if needed); returns the paths written."""
        written = []
        for name, data in self.files.items():
            path = Path(out) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        return written


def image_export_available() -> tuple[bool, str]:
    """Whether PNG/SVG export can work here (kaleido installed and a Chromium found), with a Dutch reason if not."""
    try:
        import kaleido  # noqa: F401
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return False, "kaleido is niet geïnstalleerd"
    try:
        found = Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 — a broken lookup is the same as none found
        found = None
    if found and os.access(found, os.X_OK):
        return True, ""
    return False, "Chromium is niet gevonden op de server"


def _stop_server() -> None:
    import kaleido

    try:
        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001 — a server that never started has nothing to stop
        pass


@contextmanager
def image_server():
    """Keep kaleido's browser open for the block: it starts in the background (seconds), so it warms up while the
    caller gathers the data; render_images then uses it. Does nothing where images cannot be made."""
    if not image_export_available()[0]:
        yield
        return
    import kaleido

    with _KALEIDO_LOCK:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _WARM.set()
        try:
            yield
        finally:
            _WARM.clear()
            _stop_server()


def with_dpi(png: bytes, dpi: int = 300) -> bytes:
    """The PNG with a pHYs chunk saying `dpi`, so layout programs place it at its print width."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or b"pHYs" in png[:4096]:
        return png
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_of_ihdr = 8 + 4 + 4 + 13 + 4
    return png[:end_of_ihdr] + chunk + png[end_of_ihdr:]


def _stage(progress: Progress | None, share: float, text: str) -> None:
    if progress:
        progress(min(max(share, 0.0), 1.0), text)


def render_images(yearbook: Yearbook, progress: Progress | None = None, start: float = 0.0,
                  span: float = 1.0) -> tuple[dict[str, tuple[bytes, bytes]], str]:
    """PNG and SVG of every figure through one kaleido server; ({stem: (png, svg)}, '') or ({}, Dutch reason)."""
    try:
        import kaleido
        import plotly.io as pio
    except ImportError:
        return {}, NO_IMAGES.format(reason="kaleido is niet geïnstalleerd")
    available, reason = image_export_available()
    if not available:  # checked first: a kaleido server without a browser dies in its thread and calls then hang
        return {}, NO_IMAGES.format(reason=reason)
    figures = yearbook.figures
    images: dict[str, tuple[bytes, bytes]] = {}
    with _KALEIDO_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotly warns that per-call options go unused with a server running
        started_here = not _WARM.is_set()
        try:
            if started_here:
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
            for n, spec in enumerate(figures):
                _stage(progress, start + span * n / max(len(figures), 1), f"Afbeelding {n + 1} van {len(figures)}: {spec.label}")
                preset = PRESETS[spec.preset]
                png = with_dpi(pio.to_image(spec.figure, format="png", scale=preset.png_scale))
                svg = pio.to_image(spec.figure, format="svg")
                images[spec.stem] = (png, svg)
        except Exception as exc:  # noqa: BLE001 — any browser failure means: no images, everything else still
            reason = "Chromium is niet gevonden" if "chrom" in str(exc).lower() or "browser" in str(exc).lower() \
                else f"de beeldexport faalde ({type(exc).__name__})"
            return {}, NO_IMAGES.format(reason=reason)
        finally:
            if started_here:
                _stop_server()
    return images, ""


def figure_sheets(yearbook: Yearbook) -> dict[str, pd.DataFrame]:
    """One sheet per figure (its numbers), then the findings, framework items and sources."""
    sheets = {f"Figuur {f.number}": f.data.reset_index(drop=True) for f in yearbook.figures}
    sheets["Bevindingen"] = findings_table(yearbook)
    sheets["Toezichtkader"] = yearbook.framework_items.assign(
        themanaam=lambda d: d["jaarbeeld_thema"].map(lambda t: next((s.name for s in yearbook.sections if s.theme == t), t)))
    sheets["Bronnen"] = sources_table(yearbook)
    sheets["Figuren"] = pd.DataFrame(
        [{"figuur": f.number, "bestand": f.stem, "titel": f.title, "ondertitel": f.subtitle, "bijschrift": f.caption,
          "bron": f.source} for f in yearbook.figures])
    return sheets


def findings_table(yearbook: Yearbook) -> pd.DataFrame:
    """Every finding of the year per Jaarbeeld-thema it is tagged to, with its source."""
    columns = ["jaar", "jaarbeeld_thema", "groep", "soort", "tekst", "koppeling", "onderzoek", "onderzoeksnaam",
               "gemeente", "bezoeksoort", "bezoekdatum", "rapport", "publicatiedatum", "bron"]
    return yearbook.findings[columns].reset_index(drop=True)


def sources_table(yearbook: Yearbook) -> pd.DataFrame:
    """The year's visits and reports: the sources behind the figures and findings."""
    visits = yearbook.visits.copy()
    visits["publicatie"] = visits["publicatiedatum"].map(month_year)
    return visits[["onderzoek", "onderzoeksnaam", "gemeente", "soort", "team", "datum", "titel", "rapport",
                   "publicatiedatum", "publicatie", "veldwerk_dit_jaar", "rapport_dit_jaar"]].reset_index(drop=True)


def _width_mm(yearbook: Yearbook) -> str:
    widths = sorted({PRESETS[f.preset].width_mm for f in yearbook.figures}) or [PRESETS["twee-kolommen"].width_mm]
    return " / ".join(f"{w:.0f}" for w in widths)


def readme_text(yearbook: Yearbook, pack: Pack) -> str:
    """README: what the pack holds, every figure with its caption and source, and how the numbers are counted."""
    data = "demodata (fictief, behalve de gepubliceerde cijfers)" if yearbook.demo else "eigen gegevens (geen demodata)"
    lines = [
        f"Jaarbeeld {yearbook.year} — Toezicht Sociaal Domein", "",
        f"Gegevens: {data}.",
        "Naleving = k van n: k dossiers met 'ja', n = 'ja' + 'nee' (nvt en onbekend tellen niet mee), met een "
        f"95%-Wilson-interval. Minder dan {SMALL_N} beoordelingen: {SMALL_N_MARK}. Jaar = jaar van het veldwerk.", "",
        "Inhoud:",
        f"- figuren/: elke figuur als PNG (300 dpi op {_width_mm(yearbook)} mm breed) en SVG"
        + ("" if pack.images else " — ONTBREEKT: " + pack.message),
        "- cijfers/: per figuur een CSV (UTF-8, komma-gescheiden, punt als decimaalteken) plus bevindingen.csv en bronnen.csv",
        f"- jaarbeeld-{yearbook.year}-cijfers.xlsx: een blad per figuur, Bevindingen, Toezichtkader, Bronnen, Figuren",
        f"- jaarbeeld-{yearbook.year}-concept.docx: conceptdocument per thema (figuren, bijschriften, bevindingen met "
        "bron, toezichtkader) en de producten van het jaar", "",
        "Lettertype: Arial/Helvetica (of Liberation Sans); SVG bevat geen ingesloten fonts.",
        "Kleuren per Jaarbeeld-thema: " + ", ".join(f"{s.name} {s.colour}" for s in yearbook.sections), "",
        "Figuren:",
    ]
    for f in yearbook.figures:
        lines += ["", f"Figuur {f.number}. {f.title}", f"  bestanden: figuren/{f.stem}.png, figuren/{f.stem}.svg, "
                  f"cijfers/{f.stem}.csv (blad 'Figuur {f.number}')", f"  ondertitel: {f.subtitle}",
                  f"  bijschrift: {f.caption}", f"  {f.source}"]
    return "\n".join(lines).replace("\u00a0", " ") + "\n"


def build_pack(yearbook: Yearbook, progress: Progress | None = None, images: bool = True) -> Pack:
    """Every file of the pack in memory; `progress(share, text)` is told what is being made."""
    from jaarbeeld.document import document_bytes  # python-docx is only needed here

    started = time.perf_counter()
    pack = Pack(yearbook.year)
    rendered: dict[str, tuple[bytes, bytes]] = {}
    if images:
        rendered, pack.message = render_images(yearbook, progress, 0.0, 0.75)
    else:
        pack.message = NO_IMAGES.format(reason="afbeeldingen zijn niet gevraagd")
    pack.images = bool(rendered) or not yearbook.figures
    for stem, (png, svg) in rendered.items():
        pack.files[f"figuren/{stem}.png"] = png
        pack.files[f"figuren/{stem}.svg"] = svg
    _stage(progress, 0.8, "Cijfers (XLSX en CSV)")
    sheets = figure_sheets(yearbook)
    pack.files[f"jaarbeeld-{yearbook.year}-cijfers.xlsx"] = xlsx_bytes(sheets)
    for f in yearbook.figures:
        pack.files[f"cijfers/{f.stem}.csv"] = csv_bytes(f.data)
    pack.files["cijfers/bevindingen.csv"] = csv_bytes(sheets["Bevindingen"])
    pack.files["cijfers/toezichtkader.csv"] = csv_bytes(sheets["Toezichtkader"])
    pack.files["cijfers/bronnen.csv"] = csv_bytes(sheets["Bronnen"])
    _stage(progress, 0.9, "Conceptdocument (.docx)")
    pack.files[f"jaarbeeld-{yearbook.year}-concept.docx"] = document_bytes(
        yearbook, {stem: png for stem, (png, _svg) in rendered.items()})
    pack.seconds = time.perf_counter() - started
    pack.files["README.txt"] = readme_text(yearbook, pack).encode("utf-8")
    _stage(progress, 1.0, "Klaar")
    return pack


__all__ = ["Pack", "build_pack", "figure_sheets", "render_images"]
