"""The form as a PDF, rendered by WeasyPrint from an HTML template. WeasyPrint needs the
system's Pango libraries; without them the import fails, and the page says so (503) instead of
failing the request."""

import logging
from typing import cast

logger = logging.getLogger("ketacare.rems")


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads are missing on this server."""


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML  # imported here: it loads system libraries at import
    except (ImportError, OSError) as error:
        logger.error("PDF rendering unavailable: %s", type(error).__name__)
        raise PdfUnavailable(str(error)) from error
    return cast(bytes, HTML(string=html).write_pdf())
