"""Documents an organisation owns the look of: .docx templates with placeholders (docxtpl), filled from metrics
content and charts, and converted to OpenDocument or PDF by LibreOffice."""
