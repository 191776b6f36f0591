"""Truth on real data (issue 6): the dashboard's figures for the imported Stack Exchange dump
(shared/data/stackexchange-history-meta) against an independent computation from the XML.

The dump is imported once for the module, the insights job runs at a moment just after the
dump's last post, and the figures are read the way a convener reads them: through the API
(`/api/v1/communities/{slug}/insights`, `/api/v1/communities/{slug}/levels`) and the dashboard
page (`/c/{slug}/insights/`), signed in as a platform admin. The expected values below are
computed here from Posts.xml and Comments.xml with xml.etree, not with the importer's reader.

Definitions (those of insights/figures.py and insights/rules.py):
- a *question* is a Posts.xml row with PostTypeId=1 (figures: one `question.asked` row each);
- a question is *answered* when at least one answer (PostTypeId=2) has it as ParentId; an
  accepted answer is not required (figures: a `question.asked` topic with any
  `answer.posted` row naming it in `payload.topic`);
- *time to a first answer*: from the question's CreationDate to the CreationDate of its
  earliest answer; the dashboard shows the median over the answered questions (figures clamps
  a negative wait to 0; the dump has none, checked below, so clamping changes nothing here);
- a person's *contributions* (MemberLevel.counts): "posting" = questions asked + comments
  written, "answering" = answers written, over the levels window (set to the longest allowed,
  3,650 days, which from 2018 reaches back before the dump's first post in 2011).
"""

import statistics
import xml.etree.ElementTree as ET  # noqa: S405 - our own test data
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

DUMP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "stackexchange-history-meta"
SITE = "history.meta.stackexchange.com"
PREFIX = f"stackexchange:{SITE}"
SLUG = "history-meta"
# django_db: pytest-django sets up the test database only for a session with marked tests; the
# module's data lives in the module fixture's own transaction, rolled back at its end.
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not DUMP.is_dir(), reason="shared/data is not beside the repo")]


def _rows(name: str) -> list[dict]:
    return [row.attrib for row in ET.parse(DUMP / name).getroot() if row.tag == "row"]  # noqa: S314


def _time(value: str) -> datetime:
    # "2011-10-11T19:42:20.713": UTC without an offset (the dump's convention).
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def _who(user_id: str | None, display_name: str | None):
    """The author as the importer attributes it (its module docstring: "Users become
    placeholder accounts"): by SE user id when the row has one, else by the display name the
    row carries (the importer makes one placeholder per such name, its first 60 characters),
    else nobody (an anonymous row: no actor, so no one's count)."""
    if user_id:
        return f"user:{user_id}"
    if display_name:
        return f"name:{display_name[:60]}"
    return None


@pytest.fixture(scope="module")
def expected() -> dict:
    posts = _rows("Posts.xml")
    comments = _rows("Comments.xml")
    user_ids = {row["Id"] for row in _rows("Users.xml")}
    questions = {p["Id"]: p for p in posts if p["PostTypeId"] == "1"}
    # Answers whose question is missing from the dump are dropped by the importer (it has
    # nowhere to put them); the dump has none, so this filter is only for completeness.
    answers = [p for p in posts if p["PostTypeId"] == "2" and p.get("ParentId") in questions]
    assert len(answers) == sum(p["PostTypeId"] == "2" for p in posts)
    first_answer: dict[str, datetime] = {}
    for answer in answers:
        at, question = _time(answer["CreationDate"]), answer["ParentId"]
        if question not in first_answer or at < first_answer[question]:
            first_answer[question] = at
    waits = [(at - _time(questions[q]["CreationDate"])).total_seconds()
             for q, at in first_answer.items()]
    assert min(waits) >= 0  # no answer older than its question (figures would clamp it to 0)

    # Comments: the importer keeps comments on questions and answers it imported (read_posts:
    # "tag wikis and other post types are skipped", so comments on those would be dropped).
    kept = set(questions) | {a["Id"] for a in answers}
    kept_comments = [c for c in comments if c["PostId"] in kept]
    # A user id the importer cannot find in Users.xml would lose its author (the importer maps
    # ids through Users.xml only). The dump has none: every id is a known user, including the
    # "Community" user -1, who owns some posts and is counted like anyone else.
    owners = [p.get("OwnerUserId") for p in posts] + [c.get("UserId") for c in comments]
    assert {u for u in owners if u} <= user_ids

    counts: dict[str, Counter] = defaultdict(Counter)
    for question in questions.values():
        if who := _who(question.get("OwnerUserId"), question.get("OwnerDisplayName")):
            counts[who]["posting"] += 1
    for comment in kept_comments:
        if who := _who(comment.get("UserId"), comment.get("UserDisplayName")):
            counts[who]["posting"] += 1
    for answer in answers:
        if who := _who(answer.get("OwnerUserId"), answer.get("OwnerDisplayName")):
            counts[who]["answering"] += 1
    last = max(_time(row["CreationDate"]) for row in posts + comments)
    return {
        "questions": len(questions),
        "answered": len(first_answer),
        "median_first_answer_seconds": statistics.median(waits),
        "counts": {who: dict(c) for who, c in counts.items()},
        "last": last,
    }


def _get_json(client: Client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.json()


@pytest.fixture(scope="module")
def shown(expected, django_db_setup, django_db_blocker) -> dict:
    """Import, recompute and read what the dashboard shows, in one transaction rolled back at
    the end of the module (so the import runs once, and nothing leaks to other tests)."""
    from django.core.cache import cache, caches

    from cultivate.communities.actions import do_create_community
    from cultivate.insights import jobs
    from cultivate.insights.actions import do_set_level_rules
    from cultivate.people.models import User

    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with django_db_blocker.unblock(), override_settings(
            PAGE_CACHE_SECONDS=0, STORAGES={**settings.STORAGES, "staticfiles": plain_static},
            CULTIVATE_COMMUNITY_CREATION="anyone",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), \
            transaction.atomic():
        cache.clear()
        caches["local"].clear()
        convener = User.objects.create_user(username="ana", email="ana@example.org")
        community = do_create_community(
            actor=convener, name="History Meta", charter_domain="History.",
            charter_community="Historians.", charter_practice="Questions and answers.",
            visibility="public", join_policy="open")
        assert community.slug == SLUG
        call_command("import_stackexchange", str(DUMP), community=SLUG, site=SITE, verbosity=0)
        do_set_level_rules(actor=convener, community=community, window_days=3650)
        # A moment after the dump's last post and comment: everything is in the past.
        jobs.recompute(now=expected["last"] + timedelta(days=1))

        admin = User.objects.create_user(username="root", email="root@example.org",
                                         is_superuser=True, is_staff=True)
        client = Client()
        client.force_login(admin)
        insights = _get_json(client, f"/api/v1/communities/{SLUG}/insights")
        levels, page = [], 1
        while True:
            body = _get_json(client, f"/api/v1/communities/{SLUG}/levels?page={page}")
            levels += body["results"]
            if page >= body["pages"]:
                break
            page += 1
        html = client.get(f"/c/{SLUG}/insights/")
        assert html.status_code == 200
        refs = dict(User.objects.filter(pk__in=[row["user_id"] for row in levels])
                    .values_list("pk", "placeholder_ref"))
        result = {"insights": insights, "levels": levels, "refs": refs,
                  "html": html.content.decode(), "level_count": body["count"]}
        transaction.set_rollback(True)
    return result


def test_questions_and_answered_questions(expected, shown):
    assert expected["questions"] == 556
    assert shown["insights"]["questions"] == expected["questions"]
    assert shown["insights"]["questions_answered"] == expected["answered"]
    assert shown["insights"]["unanswered_count"] == expected["questions"] - expected["answered"]


def test_median_time_to_a_first_answer(expected, shown):
    assert shown["insights"]["median_first_answer_seconds"] == pytest.approx(
        expected["median_first_answer_seconds"], abs=1)


def test_the_dashboard_page_shows_the_same_figures(expected, shown):
    asked, answered = expected["questions"], expected["answered"]
    share = round(100 * answered / asked, 1)
    hours = round(expected["median_first_answer_seconds"] / 3600, 1)
    assert f"{answered} of {asked} ({share}%)" in shown["html"]
    assert f"{hours} hours" in shown["html"]


def test_per_member_contribution_counts(expected, shown):
    """Every person the levels API lists, keyed back to the dump through the placeholder's
    reference (`stackexchange:<site>:user:<id>` or `...:name:<display name>`)."""
    assert len(shown["levels"]) == shown["level_count"]  # every page was read
    by_ref, others = {}, []
    for row in shown["levels"]:
        ref = shown["refs"][row["user_id"]] or ""
        if ref.startswith(PREFIX + ":"):
            by_ref[ref.removeprefix(PREFIX + ":")] = row["counts"]
        else:
            others.append(row)
    # Nobody else: the convener who made the community joined after the archive's last day,
    # which the levels are computed as of (insights/as_of.py).
    assert others == []
    assert by_ref == expected["counts"]
    # Spot checks that the keying is right: the Community user (-1) and a name-only author.
    assert "user:-1" in by_ref
    assert any(key.startswith("name:") for key in by_ref)


def test_every_contributor_is_a_member(shown):
    assert all(row["is_member"] for row in shown["levels"])
