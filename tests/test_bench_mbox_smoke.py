"""The mailing-list import benchmark still runs: a small generated mbox imported into a fresh
SQLite database, no docs written."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generate_and_import_a_small_mbox(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    measured = subprocess.run([sys.executable, "bench/mbox_import.py", "--messages", "400",
                               "--data-dir", str(tmp_path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert measured.returncode == 0, measured.stdout[-2000:] + measured.stderr[-2000:]
    assert "Wrote 400 messages" in measured.stdout
    assert "SQLite: imported 400 messages" in measured.stdout
    assert "messages/s" in measured.stdout and "topics" in measured.stdout
