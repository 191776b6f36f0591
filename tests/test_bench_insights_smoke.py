"""The insights benchmark tools still run: a tiny landscape grown with activity, the job timed
and the insights pages measured once or twice, no docs written (SQLite)."""

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


def test_generate_activity_and_time_the_insights(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    data_dir = str(tmp_path)
    run("bench/generate_landscape.py", "--communities", "3", "--members", "40",
        "--data-dir", data_dir, env=env)
    grown = run("bench/generate_activity.py", "--total", "3000", "--data-dir", data_dir, env=env)
    assert "Done: 3,000 activity rows" in grown
    assert "question.asked" in grown and "answer.accepted" in grown
    measured = run("bench/insights.py", "--data-dir", data_dir, "--requests", "2",
                   "--warmup", "1", env=env)
    assert "| **total** (target ≤ 60 s)" in measured
    assert "| network | `/c/bench-large/insights/network/` |" in measured
    verdicts = [line for line in measured.splitlines() if line.startswith(("PASS:", "FAIL:"))]
    assert len(verdicts) == 6
