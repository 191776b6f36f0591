"""EMAIL_URL to Django's EMAIL_* settings, for the schemes docs/configuration.md lists."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# scheme: (backend, default port, STARTTLS, implicit TLS)
SCHEMES = {
    "smtp": (SMTP_BACKEND, 25, False, False),
    "smtp+tls": (SMTP_BACKEND, 587, True, False),
    "submission": (SMTP_BACKEND, 587, True, False),
    "smtps": (SMTP_BACKEND, 465, False, True),
    "smtp+ssl": (SMTP_BACKEND, 465, False, True),
    "console": ("django.core.mail.backends.console.EmailBackend", None, False, False),
    "dummy": ("django.core.mail.backends.dummy.EmailBackend", None, False, False),
}


def parse_email_url(url: str) -> dict:
    """`smtp+tls://user:password@host:587?timeout=20` -> {"EMAIL_BACKEND": ..., ...}."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL has the scheme {scheme!r}; use one of {', '.join(SCHEMES)} "
            "(e.g. smtp+tls://user:password@smtp.example.org:587).")
    backend, default_port, use_tls, use_ssl = SCHEMES[scheme]
    query = parse_qs(parts.query)
    try:
        port = parts.port or default_port
        timeout = int(query.get("timeout", ["30"])[0])
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL is not valid: {error}") from None
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }
