"""The report as a PDF, made on the server with WeasyPrint (HTML and CSS through the system's
Pango), offline: nothing is fetched, the charts are inline SVG and the fonts are the system's
(DejaVu Sans covers Latin, Cyrillic and Arabic). No browser is needed, unlike plotly's image
export through kaleido."""

import logging

logger = logging.getLogger(__name__)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def _offline(url, *args, **kwargs):
    # A report must not reach the network (closed deployments, and no tracking of readers).
    raise ValueError(f"fetching {url[:60]} is not allowed while making a report")


def html_to_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:
        logger.warning("PDF reports are unavailable: %s", error)
        raise PdfUnavailable(str(error)) from error
    return HTML(string=html, url_fetcher=_offline).write_pdf()
