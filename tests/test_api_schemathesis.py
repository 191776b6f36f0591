"""Schemathesis against the API's own OpenAPI schema, on a real server (uvicorn, as in
production), anonymously and with a member's token: no 5xx, and every response is documented
(status code, content type, body schema, headers).

Bounded to a few minutes: a handful of examples per operation, path parameters pinned to a seeded
community, topic, method, event... so the requests reach real objects rather than 404s."""

import json
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.live_servers import asgi_servers

# skip-allowlist: "schemathesis runs once, on SQLite": it takes minutes and the routes are the
# same code on both databases (PostgreSQL's own refusals, such as NUL in text, have their tests
# in test_api_bad_input.py).
ONE_DATABASE = "schemathesis runs once, on SQLite"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
                       reason=ONE_DATABASE),
]
MAX_EXAMPLES = 6
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,unsupported_method")


def seed(make_user, make_community) -> dict:
    """A community with one of everything the routes address, and a member with a token."""
    from cultivate.communities.actions.membership import do_join_community
    from cultivate.conversations.actions import do_reply, do_start_topic
    from cultivate.events.actions import do_plan_event
    from cultivate.live.actions import do_create_poll, do_join_as_member, do_post_item
    from cultivate.people.actions import do_create_access_token
    from cultivate.practice.actions import do_create_method, do_tell_story
    from cultivate.resources.actions import do_add_resource

    ana, ben = make_user("ana"), make_user("ben")
    budget = make_community(ana, name="Budget")
    do_join_community(actor=ben, community=budget)
    topic = do_start_topic(actor=ana, community=budget, title="How do you cost a reform?",
                           body="We need figures.")
    post = do_reply(actor=ben, topic=topic, body="Start from last year's outturn.")
    method = do_create_method(actor=ana, community=budget, title="Budget circles",
                              brief="Peers meet.")
    story = do_tell_story(actor=ben, method=method, title="Ministry pilot", outcome="success",
                          context="A ministry.", what_we_did="Circles.", what_happened="Savings.")
    starts = timezone.now() + timedelta(minutes=5)
    event = do_plan_event(actor=ana, community=budget, title="Clinic", starts_at=starts,
                          ends_at=starts + timedelta(hours=1), time_zone="UTC")
    participant = do_join_as_member(actor=ben, event=event)
    item = do_post_item(participant=participant, kind="question", body="Which figures?")
    poll = do_create_poll(actor=ana, event=event, question="Useful?", options=["yes", "no"])
    resource = do_add_resource(actor=ana, community=budget, form="link", title="Guide",
                               summary="A guide.", language="en", url="https://example.org/")
    _token, secret = do_create_access_token(actor=ben, name="schemathesis")
    spare, _secret = do_create_access_token(actor=ben, name="to revoke")
    return {
        "secret": secret,
        "path": {"slug": budget.slug, "topic_id": topic.pk, "post_id": post.pk,
                 "user_id": ben.pk, "username": "ben", "method": method.slug,
                 "story_id": story.pk, "version": 1, "event_id": event.pk,
                 "participant_id": participant.pk, "item_id": item.pk, "poll_id": poll.pk,
                 "resource_id": resource.pk, "format_slug": "case-clinics",
                 "token_id": spare.pk},  # not the token the run signs in with
    }


def config_file(tmp_path, path_values: dict) -> str:
    """Pin path parameters to the seeded objects; a format's own route takes a format's slug."""
    lines = ["[parameters]"] + [f'"path.{name}" = {json.dumps(value)}'
                                for name, value in path_values.items()]
    lines += ["", "[[operations]]", 'include-path = "/api/v1/formats/{slug}"',
              'parameters = { "path.slug" = "case-clinics" }']
    path = tmp_path / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def run_schemathesis(server, config: str, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", config, "run",
               f"{server.http}/api/v1/openapi.json", "--checks", CHECKS,
               "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--seed", "1",
               "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
               "--max-failures", "50", "--request-timeout", "20"]
    # In its own directory: schemathesis keeps a cache of crashes in the working directory.
    return subprocess.run(command + list(options), capture_output=True, text=True, timeout=600,
                          cwd=Path(config).parent)


def test_the_api_keeps_to_its_schema(make_user, make_community, tmp_path):
    world = seed(make_user, make_community)
    config = config_file(tmp_path, world["path"])
    started = time.monotonic()
    with asgi_servers(1) as (server,):
        # Leaving the community would turn the rest of the member's run into an outsider's.
        member = run_schemathesis(server, config, "-H", f"Authorization: Bearer {world['secret']}",
                                  "--exclude-path", "/api/v1/communities/{slug}/leave")
        # Anonymous writes stop at authentication (401, the same for every route): read only.
        anonymous = run_schemathesis(server, config, "--include-method", "GET")
    print(f"schemathesis, member and anonymous: {time.monotonic() - started:.0f}s")
    for name, run in (("member", member), ("anonymous", anonymous)):
        print(name, *re.findall(r"Operations: .*|\d+ generated.*", run.stdout))
    failed = {name: run.stdout[-15000:] + run.stderr[-3000:]
              for name, run in (("member", member), ("anonymous", anonymous)) if run.returncode}
    assert not failed, "\n\n".join(f"=== {name}\n{out}" for name, out in failed.items())
    generated = {name: re.search(r"(\d+) generated", run.stdout)
                 for name, run in (("member", member), ("anonymous", anonymous))}
    assert int(generated["member"][1]) > 1000 and int(generated["anonymous"][1]) > 300, generated
