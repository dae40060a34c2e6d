"""Filling a .docx template (docxtpl) and converting the result with LibreOffice.

A template is the organisation's: it is checked against the context before use, so a misspelt or unknown placeholder
is a Dutch error naming it instead of an empty spot in a published document. Values are XML-escaped (autoescape):
text from a workbook appears as the literal text the inspector typed.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from exports.office import CONVERT_SECONDS, ConversionError, convert_file, soffice  # noqa: F401  (re-exported)
from reference.errors import ToezichtError

OUTPUT_FORMATS = {".docx": None, ".odt": "odt", ".pdf": "pdf"}


class TemplateError(ToezichtError):
    """A template that cannot be used (unreadable, unknown or missing placeholder, broken {% %} syntax)."""


def _load(template: bytes, name: str):
    from docxtpl import DocxTemplate

    if not template.startswith(b"PK"):
        raise TemplateError(f"Sjabloon {name}: dit is geen Word-document (.docx). Sla het sjabloon op als .docx.")
    try:
        with zipfile.ZipFile(io.BytesIO(template)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise TemplateError(f"Sjabloon {name}: dit is geen Word-document (.docx); word/document.xml ontbreekt.")
            if sum(i.file_size for i in zf.infolist()) > 200 * 1024 * 1024:
                raise TemplateError(f"Sjabloon {name}: uitgepakt groter dan 200 MB; dat is geen gewoon sjabloon.")
        return DocxTemplate(io.BytesIO(template))
    except zipfile.BadZipFile as exc:
        raise TemplateError(f"Sjabloon {name}: bestand is beschadigd en kan niet worden geopend als .docx.") from exc


def template_placeholders(template: bytes, name: str = "sjabloon") -> set[str]:
    """The top-level placeholders a template uses ({{ titel }}, {% for thema in themas %} → titel, themas)."""
    from jinja2 import TemplateSyntaxError

    doc = _load(template, name)
    try:
        return set(doc.get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Sjabloon {name}: fout in een {{% %}}- of {{{{ }}}}-code (regel {exc.lineno} van de "
                            f"documenttekst): {exc.message}.") from exc
    except Exception as exc:  # python-docx/lxml on a damaged part
        raise TemplateError(f"Sjabloon {name}: het document kan niet worden gelezen ({type(exc).__name__}).") from exc


def check_template(template: bytes, provided: set[str], required: set[str], name: str = "sjabloon") -> None:
    """Refuse a template that uses a placeholder the product does not fill, or lacks one that must be there."""
    used = template_placeholders(template, name)
    unknown = sorted(used - provided)
    missing = sorted(required - used)
    problems = []
    if unknown:
        problems.append("onbekende plaatshouder(s): " + ", ".join(f"{{{{ {u} }}}}" for u in unknown)
                        + f". Beschikbaar zijn: {', '.join(sorted(provided))}")
    if missing:
        problems.append("verplichte plaatshouder(s) ontbreken: " + ", ".join(f"{{{{ {m} }}}}" for m in missing))
    if problems:
        raise TemplateError(f"Sjabloon {name}: " + "; ".join(problems) + ".")


def render_docx(template: bytes, context: dict, images: dict[str, bytes] | None = None, *, required: set[str],
                name: str = "sjabloon", image_width_mm: float = 170,
                image_widths_mm: dict[str, float] | None = None) -> bytes:
    """The filled document as .docx bytes. `images`: context paths (e.g. "themas.0.figuur") → PNG; the placeholder
    at that path becomes the picture, `image_width_mm` wide (or its own width in `image_widths_mm`). Raises
    TemplateError before rendering when the template does not fit."""
    from docx.shared import Mm
    from docxtpl import InlineImage
    from jinja2 import TemplateError as JinjaError

    check_template(template, set(context), required, name)
    doc = _load(template, name)
    context = dict(context)
    for path, png in (images or {}).items():
        width = (image_widths_mm or {}).get(path, image_width_mm)
        _set_path(context, path, InlineImage(doc, io.BytesIO(png), width=Mm(width)))
    try:
        doc.render(context, autoescape=True)
    except (JinjaError, TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        # An organisation's template may use a placeholder in a way its value does not allow (a loop over a text).
        raise TemplateError(f"Sjabloon {name}: kon niet worden ingevuld ({type(exc).__name__}: {exc}). Controleer "
                            "de {% %}-regels tegen de lijst met plaatshouders.") from exc
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_path(context: dict, path: str, value) -> None:
    parts = path.split(".")
    target = context
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def read_template(path: str | Path | None, env: str, default: Path) -> tuple[bytes, str]:
    """(template bytes, its name): `path`, else the file the environment variable `env` names, else `default`."""
    chosen = Path(path) if path else Path(os.environ[env]) if os.environ.get(env) else default
    try:
        return chosen.read_bytes(), chosen.name
    except OSError as exc:
        raise TemplateError(f"Sjabloon {chosen}: bestand kan niet worden gelezen ({exc.strerror}).") from exc


def convert(docx: bytes, fmt: str, timeout: int = CONVERT_SECONDS) -> bytes:
    """.docx bytes converted by LibreOffice (headless) to 'odt' or 'pdf'; a Dutch ConversionError when it cannot."""
    return convert_file(docx, "docx", fmt, timeout)


def write_document(docx: bytes, out: Path) -> Path:
    """Write .docx bytes to `out`, converting when its suffix is .odt or .pdf."""
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise ConversionError(f"{out.name}: onbekend documenttype '{suffix}'. Gebruik .docx, .odt of .pdf.")
    fmt = OUTPUT_FORMATS[suffix]
    out.write_bytes(docx if fmt is None else convert(docx, fmt))
    return out
