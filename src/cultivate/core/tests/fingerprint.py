"""What must survive a backup and restore: every table's rows and every uploaded file.

Run in the test process for the source instance and in a child process (its own DATABASE_URL
and MEDIA_ROOT) for the restored one: `python -m cultivate.core.tests.fingerprint`."""

import hashlib
import json
from pathlib import Path


def tables() -> dict:
    """{table: [row count, sha256 of all rows ordered by pk]} for every model's table."""
    from django.apps import apps

    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        columns = [field.attname for field in meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*columns))
        digest = hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()
        found[meta.db_table] = [len(rows), digest]
    return found


def files() -> dict:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def fingerprint() -> dict:
    return {"tables": tables(), "files": files()}


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(fingerprint()))
