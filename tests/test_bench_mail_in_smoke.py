"""The inbound mail benchmark still runs: a few members, a few dozen replies through the real
SMTP and LMTP listeners, no docs written (SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("protocol", ["smtp", "lmtp"])
def test_replies_by_mail_are_measured_to_the_visible_post(tmp_path, protocol):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "bench/mail_in.py", "--data-dir", str(tmp_path), "--mails", "24",
         "--warmup", "2", "--members", "3", "--connections", "2", "--protocol", protocol],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "- 24 of 24 mails posted, 0 refused or lost" in result.stdout
    assert "| receipt to readable (MAIL FROM to post in the database) |" in result.stdout
    assert "Target: every mail readable <= 1 s after its receipt" in result.stdout
