"""What rendering a page costs in each interface language, as a ratio to English (issue 17).

    .venv/bin/python bench/languages.py [--data-dir DIR] [--rounds 25] \
        [--write docs/benchmarks.md] [--section languages]

Seeds the demo landscape into a fresh SQLite data directory (or reuses DIR if it holds one),
then renders the main pages in-process (Django's test client, every middleware) as the demo's
convener with every cache off, so each request translates everything it shows. Languages are
interleaved page by page in a shuffled order each round, so all share the same noise; the
first round warms every catalogue and is not counted. Target: every page's median in each
language <= 1.1x its English median. Exits 0 either way: a measurement, not a test.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from benchenv import setup_django  # noqa: E402 - after the path is set

TARGET = 1.1
PAGES = (
    ("directory", "/"),
    ("community home", "/c/budget-reform/"),
    ("topic page", "{topic}"),
    ("question list", "/c/budget-reform/topics/"),
    ("events", "/c/budget-reform/events/"),
    ("learning formats", "/formats/"),
    ("a learning format", "/formats/case-clinics/"),
    ("insights", "/c/budget-reform/insights/"),
    ("health", "/c/budget-reform/health/"),
    ("profile form", "/me/profile/"),
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", help="a data directory; seeded with the demo if empty")
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--only", help="comma-separated page names (default: all)")
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--section", default="languages")
    return parser.parse_args()


def prepare(data_dir: str) -> None:
    os.environ["PAGE_CACHE_SECONDS"] = "0"  # every request renders
    os.environ["CULTIVATE_WARM_UP"] = "0"
    setup_django(None, data_dir, for_pages=True)
    from django.conf import settings
    from django.core.management import call_command

    dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    settings.CACHES = {"default": dummy, "local": dummy}  # before any cache is opened
    call_command("migrate", verbosity=0)
    from cultivate.communities.models import Community

    if not Community.objects.filter(slug="budget-reform").exists():
        call_command("seed_demo", verbosity=0)


def clients(languages: list[str]) -> dict:
    from django.conf import settings
    from django.test import Client

    from cultivate.people.models import User

    convener = User.objects.get(username="anahit")
    convener.language = ""  # the cookie decides, as for a member who never chose
    convener.save(update_fields=["language"])
    made = {}
    for code in languages:
        client = Client()
        client.force_login(convener)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
        made[code] = client
    return made


def measure(args) -> dict[str, dict[str, list[float]]]:
    from django.conf import settings

    from cultivate.conversations.models import Topic

    languages = [code for code, _name in settings.LANGUAGES]
    topic = Topic.objects.filter(community__slug="budget-reform").order_by("-reply_count").first()
    pages = [(name, path.format(topic=topic.get_absolute_url())) for name, path in PAGES
             if not args.only or name in args.only.split(",")]
    by_language = clients(languages)
    timings = {name: {code: [] for code in languages} for name, _path in pages}
    for round_number in range(args.rounds + 1):
        for name, path in pages:
            order = languages[:]
            random.shuffle(order)
            for code in order:
                started = time.perf_counter()
                response = by_language[code].get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    sys.exit(f"GET {path} in {code} answered {response.status_code}")
                if round_number:  # round 0 loads every catalogue
                    timings[name][code].append(elapsed)
    return timings


def report(timings: dict, rounds: int) -> tuple[str, float]:
    from django.conf import settings

    languages = [code for code, _name in settings.LANGUAGES]
    others = [code for code in languages if code != "en"]
    header = "| page | en (ms) | " + " | ".join(others) + " |"
    lines = [header, "|---|--:|" + "--:|" * len(others)]
    worst = 0.0
    for name, by_code in timings.items():
        english = statistics.median(by_code["en"])
        ratios = [statistics.median(by_code[code]) / english for code in others]
        worst = max(worst, *ratios)
        lines.append(f"| {name} | {english:.1f} | "
                     + " | ".join(f"{ratio:.2f}x" for ratio in ratios) + " |")
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join([
        f"### Rendering in each language (issue 17), {when}", "",
        f"`bench/languages.py --rounds {rounds}`: the demo landscape on SQLite, rendered "
        "in-process as its convener with every cache off, languages interleaved in a "
        f"shuffled order. Median per page; other languages as a ratio to English. Target: "
        f"<= {TARGET}x. Worst ratio: **{worst:.2f}x** "
        f"({'met' if worst <= TARGET else 'missed'}). Python {platform.python_version()}, "
        f"{os.cpu_count()} cores.", "", *lines, ""])
    return body, worst


def main() -> None:
    args = parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="cultivate-languages-")
    prepare(data_dir)
    timings = measure(args)
    body, worst = report(timings, args.rounds)
    print(body)
    if args.write:
        from pages import write_section

        write_section(args.write, args.section, body)


if __name__ == "__main__":
    main()
