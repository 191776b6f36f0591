"""The benchmark tools still run: a tiny landscape, a short measurement, no docs written."""

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


def test_generate_and_measure_a_tiny_landscape(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    data_dir = str(tmp_path)
    generated = run("bench/generate_landscape.py", "--communities", "3", "--members", "60",
                    "--data-dir", data_dir, env=env)
    assert "Done: 3 communities" in generated
    grown = run("bench/generate_posts.py", "--posts", "400", "--data-dir", data_dir, env=env)
    assert "Done: 400 posts" in grown
    measured = run("bench/pages.py", "--data-dir", data_dir, "--requests", "5",
                   "--warmup", "2", env=env)
    assert "| directory (member) | `/` |" in measured
    assert "| topic, 100 replies |" in measured
    verdicts = [line for line in measured.splitlines() if line.startswith(("PASS:", "FAIL:"))]
    assert len(verdicts) == 12
    searched = run("bench/search.py", "--data-dir", data_dir, "--queries", "20", env=env)
    assert "visitor" in searched and "p95" in searched
    plain_static = {**env, "STATICFILES_BACKEND":  # no 30 s of compression for a smoke test
                    "django.contrib.staticfiles.storage.StaticFilesStorage"}
    loaded = run("bench/throughput.py", "--data-dir", data_dir, "--redis-url", "",
                 "--workers", "1", "--clients", "2", "--writes", "0", "2", "--duration", "1",
                 "--warmup", "0.2", env=plain_static)
    rows = [line for line in loaded.splitlines() if line.startswith("| 2 |")]
    assert len(rows) == 2 * 13, loaded[-3000:]  # every page, without and with the writer
    assert all(row.split("|")[9].strip() == "0" for row in rows), "no errors"
    assert "(2.0)" in loaded or "(1." in loaded, "the writer wrote"


def test_live_load_against_the_floor():
    """The live load script on its smallest scale: 20 attendees, two rates of 2 s each on the
    same sockets, the bare floor server in one process (no Redis, no PostgreSQL)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "bench/live_load.py", "--servers", "floor", "--workers", "1",
         "--attendees", "20", "--duration", "2", "--rate", "5", "10", "--drain", "5"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "20/20 attendees have their hello" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| floor | 20 |")]
    assert len(rows) == 2, result.stdout[-2000:]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[3].startswith("20 (") and cells[7] == "0 (0)", row  # all there, none lost


def test_page_weight_weighs_the_demo_pages(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    out = run("bench/page_weight.py", "--data-dir", str(tmp_path), env=env)
    rows = [line for line in out.splitlines() if line.startswith("| Community home")]
    assert len(rows) == 2 and "| Topic page" in out
    css_kb = float(rows[0].split("|")[4])
    assert css_kb > 5, "the site's stylesheet is counted"


def test_rendering_in_each_language_is_measured(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    measured = run("bench/languages.py", "--data-dir", str(tmp_path), "--rounds", "1",
                   "--only", "directory,a learning format", env=env)
    assert "| page | en (ms) | fr | es | ar | zh-hans | ru |" in measured
    assert "| directory |" in measured and "| a learning format |" in measured
    assert "Worst ratio" in measured
