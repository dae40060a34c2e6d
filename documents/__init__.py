"""Documents an organisation owns the look of: .docx templates with placeholders (docxtpl), filled from metrics
content and charts, and converted to OpenDocument or PDF by LibreOffice."""

from documents.render import ConversionError, TemplateError, check_template, convert, soffice
from documents.report import PLACEHOLDERS, REQUIRED, TEMPLATE_ENV, report_docx, template_bytes

__all__ = ["PLACEHOLDERS", "REQUIRED", "TEMPLATE_ENV", "ConversionError", "TemplateError", "check_template", "convert",
           "report_docx", "soffice", "template_bytes"]
