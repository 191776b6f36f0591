"""Live progress of a running import, kept in a small JSON file beside the job in the import
folder. Not in the job's row: the importer holds one transaction, so others would see nothing
until it ends (and on SQLite a second writer would wait for it). The folder is shared by
whoever runs the import and the web server already, since both read the source from it."""

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cultivate.imports.folder import import_root

WRITE_EVERY = 0.5  # seconds between writes while items stream by
HEARTBEAT = 5  # seconds between signs of life, even in a stage without items
STALE_AFTER = 120  # seconds without a sign of life: whoever ran the import is gone


def progress_path(job_id: int) -> Path:
    return import_root() / "jobs" / f"{job_id}.json"


class ProgressFile:
    def __init__(self, job_id: int):
        self.path = progress_path(job_id)
        self.state = {"stage": "", "done": 0, "total": None}
        self.written_at = 0.0

    def write(self, stage: str, done: int, total: int | None) -> None:
        self.state = {"stage": str(stage), "done": done, "total": total}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        part = self.path.with_suffix(f".{threading.get_ident()}.part")
        part.write_text(json.dumps(self.state))
        os.replace(part, self.path)  # readers see the old state or the new, never half
        self.written_at = time.monotonic()

    def track(self, items: Iterable, label: str) -> Iterator:
        """The importers' `progress(iterable, label)` callback."""
        total = len(items) if hasattr(items, "__len__") else None
        self.write(label, 0, total)
        done = 0
        for item in items:
            yield item
            done += 1
            if time.monotonic() - self.written_at >= WRITE_EVERY:
                self.write(label, done, total)
        self.write(label, done, total)

    @contextmanager
    def heartbeat(self):
        """Touch the file every few seconds while the import runs (long stages have no items)."""
        stop = threading.Event()

        def beat():
            while not stop.wait(HEARTBEAT):
                try:
                    os.utime(self.path)
                except OSError:
                    pass

        beating = threading.Thread(target=beat, name=f"{self.path.stem}-heartbeat", daemon=True)
        beating.start()
        try:
            yield self
        finally:
            stop.set()
            beating.join()

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def read_progress(job_id: int) -> dict | None:
    """{stage, done, total, stale} of a running import, or None when none was written."""
    path = progress_path(job_id)
    try:
        state = json.loads(path.read_text())
        age = time.time() - path.stat().st_mtime
    except (OSError, ValueError):
        return None
    return {"stage": state.get("stage", ""), "done": state.get("done", 0),
            "total": state.get("total"), "stale": age > STALE_AFTER}
