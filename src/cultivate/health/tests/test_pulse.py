"""Pulse surveys: sent by stewards, answered once in the app or from the mail's link, shown
only as aggregates from five answers, with no link from an answer to a person."""

import re

import pytest

from cultivate.communities.models import Membership
from cultivate.health.models import HealthSignal, PulseAnswer, PulseReceipt, PulseSurvey
from cultivate.insights import jobs

ANSWER = {"passion": "5", "trust": "4", "value_felt": "4", "identification": "3",
          "open_answer": "More case clinics, please."}


@pytest.fixture
def budget(make_user, make_community):
    people = {name: make_user(name) for name in ("ana", "sam", "olga")}
    community = make_community(people["ana"])
    Membership.objects.create(community=community, user=people["sam"], role="sponsor")
    members = [make_user(f"m{i}") for i in range(6)]
    for member in members:
        Membership.objects.create(community=community, user=member)
    return {"community": community, "members": members, **people}


def test_a_steward_sends_and_members_answer_from_the_mail_link(
        budget, signed_in, client, smtp_server, django_capture_on_commit_callbacks):
    community = budget["community"]
    ana = signed_in(budget["ana"])
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once committed
        sent = ana.post(f"/c/{community.slug}/health/pulse/send/",
                        {"open_question": "What would help you most?", "days": "14"})
    assert sent.status_code == 302
    survey = PulseSurvey.objects.get()
    assert survey.recipients == 8
    mails = {m["To"]: m.get_body(("plain",)).get_content() for m in smtp_server.messages}
    assert len(mails) == 8 and "m0@example.org" in mails
    link = re.search(r"https?://\S+/pulse/\S+/", mails["m0@example.org"]).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path)  # not signed in
    assert form.status_code == 200 and "What would help you most?" in form.content.decode()
    refused = client.post("/" + path, {**ANSWER, "trust": "9"})
    assert refused.status_code == 400
    assert "More case clinics, please." in refused.content.decode()  # the draft survives
    assert client.post("/" + path, ANSWER).status_code == 200
    assert PulseReceipt.objects.count() == 1 and PulseAnswer.objects.count() == 1
    again = client.post("/" + path, ANSWER)
    assert again.status_code == 409 and PulseAnswer.objects.count() == 1
    # nothing in the answer points at the person
    answer_fields = {f.name for f in PulseAnswer._meta.get_fields()}
    assert not answer_fields & {"user", "created_at", "answered_at", "receipt"}
    assert client.get("/pulse/not-a-token/").status_code == 404


def test_results_show_from_five_answers_and_move_the_signals(budget, signed_in):
    community = budget["community"]
    signed_in(budget["ana"]).post(f"/c/{community.slug}/health/pulse/send/", {"days": "7"})
    survey = PulseSurvey.objects.get()
    url = f"/c/{community.slug}/pulse/{survey.pk}/"
    for member in budget["members"][:4]:
        assert signed_in(member).post(url, ANSWER).status_code == 200
    page = signed_in(budget["sam"]).get(f"/c/{community.slug}/health/pulse/").content.decode()
    assert "4 answers so far: results show from 5." in page
    assert "More case clinics" not in page
    signed_in(budget["members"][4]).post(url, {**ANSWER, "trust": "1", "open_answer": ""})
    page = signed_in(budget["sam"]).get(f"/c/{community.slug}/health/pulse/").content.decode()
    assert "5 answers" in page and "More case clinics, please." in page
    assert "3.4" in page  # trust: (4*4 + 1) / 5
    jobs.recompute()
    assert HealthSignal.objects.get(community=community, key="passion").verdict == "healthy"
    assert HealthSignal.objects.get(community=community, key="trust").verdict == "watch"


def test_who_may_send_and_answer(budget, signed_in, make_user, make_community):
    community = budget["community"]
    assert signed_in(budget["sam"]).post(f"/c/{community.slug}/health/pulse/send/",
                                         {"days": "7"}).status_code == 403
    assert signed_in(budget["members"][0]).get(
        f"/c/{community.slug}/health/pulse/").status_code == 403
    ana = signed_in(budget["ana"])
    refused = ana.post(f"/c/{community.slug}/health/pulse/send/", {"days": "365"})
    assert refused.status_code == 400 and "from 1 to 60 days" in refused.content.decode()
    ana.post(f"/c/{community.slug}/health/pulse/send/", {"days": "7"})
    assert ana.post(f"/c/{community.slug}/health/pulse/send/",
                    {"days": "7"}).status_code == 409  # one open survey at a time
    survey = PulseSurvey.objects.get()
    assert signed_in(budget["olga"]).post(f"/c/{community.slug}/pulse/{survey.pk}/",
                                          ANSWER).status_code == 403
    lonely = make_community(budget["olga"], name="Lonely Practice")
    refused = signed_in(budget["olga"]).post(f"/c/{lonely.slug}/health/pulse/send/",
                                             {"days": "7"})
    assert refused.status_code == 400 and "no one to ask" in refused.content.decode()


def test_the_api_sends_answers_and_reads_pulse_surveys(budget, client, token_of):
    slug = budget["community"].slug
    sent = client.post(f"/api/v1/communities/{slug}/pulse", {"days": 0},
                       content_type="application/json", **token_of(budget["ana"]))
    assert sent.status_code == 400 and "days" in sent.json()["error"]["fields"]
    sent = client.post(f"/api/v1/communities/{slug}/pulse", {"days": 10},
                       content_type="application/json", **token_of(budget["ana"]))
    assert sent.status_code == 201
    survey_id = sent.json()["id"]
    url = f"/api/v1/communities/{slug}/pulse/{survey_id}/answers"
    body = {"passion": 4, "trust": 4, "value_felt": 3, "identification": 5}
    for member in budget["members"][:5]:
        assert client.post(url, body, content_type="application/json",
                           **token_of(member)).status_code == 204
    twice = client.post(url, body, content_type="application/json",
                        **token_of(budget["members"][0]))
    assert twice.status_code == 409
    bad = client.post(url, {**body, "trust": 0}, content_type="application/json",
                      **token_of(budget["members"][5]))
    assert bad.status_code == 400 and "trust" in bad.json()["error"]["fields"]
    listed = client.get(f"/api/v1/communities/{slug}/pulse", **token_of(budget["sam"])).json()
    assert listed[0]["answers"] == 5 and listed[0]["results_shown"]
    assert listed[0]["statements"][0]["average"] == 4
    assert client.get(f"/api/v1/communities/{slug}/pulse",
                      **token_of(budget["members"][0])).status_code == 403
