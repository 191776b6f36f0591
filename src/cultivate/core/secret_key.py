"""The SECRET_KEY: the operator's own in production, a generated one kept in the data dir when
embedded, never a key anyone can read in the source (it signs sessions, email confirmations and
unsubscribe links)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The key settings.py fell back to before 2026-12: anyone could forge signatures with it.
OLD_DEFAULT_KEY = "embedded-insecure-key-set-SECRET_KEY-in-production"
KEY_FILE_NAME = "secret_key"
MIN_LENGTH = 50

MISSING_IN_PRODUCTION = (
    "SECRET_KEY is not set. This instance runs in production (CULTIVATE_ENV=production, or "
    "SITE_URL is https://), where every worker must share the operator's own secret key. Set "
    "SECRET_KEY to 50 or more random characters, for example the output of "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`, and keep it secret. "
    "See docs/configuration.md."
)


def embedded_secret_key(data_dir: Path) -> str:
    """The key in `data_dir/secret_key`, written (mode 0600) the first time it is needed."""
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        _write_once(path, secrets.token_urlsafe(64))
    key = path.read_text().strip()
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(f"{path} holds no usable key: delete it to generate a new one.")
    return key


def _write_once(path: Path, key: str) -> None:
    # Several workers may start at once: write a private temporary file and link it into place;
    # the link fails for all but the first, and everyone then reads the winner's key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
