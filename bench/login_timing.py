"""Does a failed sign-in take as long for a registered address as for an unknown one?

Signs in with a wrong password through the real login page, with the production password
hasher, alternating a registered and an unknown e-mail address, and prints the medians.

    .venv/bin/python bench/login_timing.py [--tries 20] [--write docs/benchmarks.md]

The figure that matters is the ratio of the two medians, measured in the same run: 1.00 means
the time of a failed sign-in does not tell whether an address is registered.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--write", metavar="PATH", help="update this Markdown file's section")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="login-timing-")
    os.environ["RATELIMIT_ENABLE"] = "false"
    setup_django(f"sqlite:///{data_dir}/timing.sqlite3", data_dir, for_pages=True)

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from cultivate.people.models import User

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("ana", "ana@example.org", "a-long-passphrase")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    times: dict[str, list[float]] = {"registered": [], "unknown": []}
    with override_settings(ACCOUNT_RATE_LIMITS=False):
        for _ in range(args.tries):
            for kind, login in (("registered", "ana@example.org"),
                                ("unknown", "nobody@example.org")):
                started = time.perf_counter()
                response = client.post("/accounts/login/", {"login": login, "password": "wrong"})
                times[kind].append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
    report = summary(times, settings.PASSWORD_HASHERS[0], args.tries)
    print(report)
    if args.write:
        from pages import write_section

        write_section(Path(args.write), "login-timing", report)


def summary(times: dict[str, list[float]], hasher: str, tries: int) -> str:
    registered, unknown = (statistics.median(times[kind]) for kind in ("registered", "unknown"))
    rows = [f"| {kind} | {statistics.median(values):.3f} | {min(values):.3f} | "
            f"{max(values):.3f} |" for kind, values in times.items()]
    return "\n".join([
        "## Failed sign-in timing (issue 12): registered vs unknown address", "",
        f"`bench/login_timing.py --tries {tries}`: wrong passwords through the real sign-in "
        f"page, alternating the two, hasher `{hasher.rsplit('.', 1)[-1]}`; load average "
        f"{os.getloadavg()[0]:.1f}.", "",
        "| address | median s | min s | max s |", "|---|--:|--:|--:|", *rows, "",
        f"Ratio of the medians (registered / unknown): **{registered / unknown:.2f}** "
        "(before the fix, 1.3-1.6: a registered address cost one more hash).",
    ])


if __name__ == "__main__":
    main()
