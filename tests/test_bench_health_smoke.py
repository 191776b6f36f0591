"""The community-health benchmark still runs: a tiny landscape, the job with its health step,
the pages and the feed measured twice, no docs written (SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_measure_the_health_pages_and_the_feed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    data_dir = str(tmp_path)
    made = subprocess.run([sys.executable, "bench/generate_landscape.py", "--communities", "3",
                           "--members", "40", "--data-dir", data_dir], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    measured = subprocess.run([sys.executable, "bench/health.py", "--data-dir", data_dir,
                               "--requests", "2", "--warmup", "1"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert measured.returncode == 0, measured.stdout[-2000:] + measured.stderr[-2000:]
    assert "| health |" in measured.stdout  # the job's health step
    assert "/c/bench-large/health/" in measured.stdout
    assert "/c/bench-large/events.ics" in measured.stdout
