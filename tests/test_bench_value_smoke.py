"""The value-creation benchmark tools still run: a tiny landscape with posts and value rows,
the job, the pages, the PDF and the loaded run measured once or twice, no docs written
(SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


def test_generate_value_rows_and_measure_the_value_pages(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    data_dir = str(tmp_path)
    run("bench/generate_landscape.py", "--communities", "3", "--members", "40",
        "--data-dir", data_dir, env=env)
    run("bench/generate_posts.py", "--posts", "600", "--data-dir", data_dir, env=env)
    made = run("bench/generate_value.py", "--data-dir", data_dir, "--applied", "100",
               "--follow-ups", "20", "--stories", "10", env=env)
    assert "100 applied records, 20 follow-ups, 10 stories" in made
    measured = run("bench/value.py", "--data-dir", data_dir, "--requests", "2", "--warmup",
                   "1", "--pdfs", "1", "--in-flight", "2", "--loaded-seconds", "2", env=env)
    assert "| **total** (target ≤ 60 s)" in measured
    assert "| value-creation matrix | `/c/bench-large/value/` |" in measured
    assert "| Downloads | Median s | Slowest s | ≤ 5 s |" in measured
    assert "| matrix (`/c/bench-large/value/`) |" in measured
