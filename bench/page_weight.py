"""Page weight: the bytes a browser fetches for the community home and a topic page (HTML, CSS,
JS; raw and gzipped), for a visitor and a signed-in member, on the demo landscape.

    .venv/bin/python bench/page_weight.py [--data-dir var/bench-weight] [--write docs/benchmarks.md]

Builds the demo (`seed-demo`) in its own SQLite data dir unless one is there, renders the pages
with Django's test client and reads the stylesheets and scripts they link from the static files.
Images and fonts are left out (the pages use none besides the favicon)."""

import argparse
import gzip
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import setup_django  # noqa: E402
from pages import write_section  # noqa: E402

ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
LAZY = re.compile(r'hx-trigger="load')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="var/bench-weight")
    parser.add_argument("--write", help="the Markdown file to write the section into")
    parser.add_argument("--section", default="page-weight")
    return parser.parse_args()


def build_demo() -> None:
    from django.core.management import call_command

    from cultivate.communities.models import Community

    call_command("migrate", interactive=False, verbosity=0)
    if not Community.objects.exists():
        call_command("seed_demo", verbosity=0)


def asset_bytes(url: str) -> bytes:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    found = finders.find(url.removeprefix(settings.STATIC_URL))
    return Path(found).read_bytes() if found else b""


def weigh(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content
    parts = {"html": [html], "css": [], "js": []}
    for url in dict.fromkeys(ASSET.findall(html.decode())):
        parts["css" if url.endswith(".css") else "js"].append(asset_bytes(url))
    sizes = {kind: (sum(map(len, blobs)), sum(len(gzip.compress(b)) for b in blobs))
             for kind, blobs in parts.items()}
    sizes["lazy"] = len(LAZY.findall(html.decode()))
    return sizes


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def report(rows: list[tuple[str, str, dict]]) -> str:
    lines = [
        "## Page weight",
        "",
        "`.venv/bin/python bench/page_weight.py --write docs/benchmarks.md` on the demo "
        "landscape (`seed-demo`, SQLite). Kilobytes as sent without compression, then "
        "gzipped (whitenoise serves the static files compressed; put the HTML behind a "
        "compressing proxy for the second figure). \"Lazy\" counts the small fragments htmx "
        "loads after the page (notification count, inbox count, menus).",
        "",
        "| Page | Who | HTML | CSS | JS | Total | Total gzipped | Lazy requests |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for page, who, s in rows:
        total = sum(s[k][0] for k in ("html", "css", "js"))
        zipped = sum(s[k][1] for k in ("html", "css", "js"))
        lines.append(f"| {page} | {who} | {kb(s['html'][0])} | {kb(s['css'][0])} | "
                     f"{kb(s['js'][0])} | {kb(total)} | {kb(zipped)} | {s['lazy']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    setup_django(None, args.data_dir, for_pages=True)
    build_demo()
    from django.test import Client

    from cultivate.conversations.models import Topic
    from cultivate.people.models import User

    topic = Topic.objects.get(title__startswith="How did you phase program budgeting")
    visitor, member = Client(), Client()
    member.force_login(User.objects.get(username="milica"))
    rows = [(page, who, weigh(client, path))
            for page, path in (("Community home", "/c/budget-reform/"),
                               ("Topic page (3 replies)", topic.get_absolute_url()))
            for who, client in (("visitor", visitor), ("member", member))]
    text = report(rows)
    print(text)
    if args.write:
        write_section(Path(args.write), args.section, text.rstrip("\n"))


if __name__ == "__main__":
    main()
