"""Every HTML form with garbage: a clear answer (form error, message, 4xx), never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

GARBAGE = [{}, {"role": "king", "decision": "maybe", "request_id": "abc", "email": "@@",
                "name": "x" * 5000, "time_zone": "Mars/Base", "message": "y" * 10_000},
           {"request_id": "-1", "decision": "approve"}, {"page": "abc"}]


@pytest.fixture
def convener_client(make_user, make_community):
    ana = make_user("ana")
    make_community(ana, name="Budget", join_policy="request")
    client = Client(raise_request_exception=False)
    client.force_login(ana)
    return client


def form_urls(user_id):
    slug = "budget"
    return [reverse("communities:create"), reverse("communities:edit", args=[slug]),
            reverse("communities:join", args=[slug]), reverse("communities:leave", args=[slug]),
            reverse("communities:withdraw-request", args=[slug]),
            reverse("communities:change-role", args=[slug, user_id]),
            reverse("communities:remove-member", args=[slug, user_id]),
            reverse("communities:requests", args=[slug]),
            reverse("communities:invitations", args=[slug]),
            reverse("communities:revoke-invitation", args=[slug, 999]),
            reverse("communities:invitation", args=["forged"]),
            reverse("people:edit-profile"), reverse("people:tokens"),
            reverse("people:revoke-token", args=[999])]


def test_no_form_answers_500(convener_client, make_user):
    for url in form_urls(user_id=999):
        for data in GARBAGE:
            response = convener_client.post(url, data)
            assert response.status_code < 500, (url, data, response.status_code)
            get = convener_client.get(url, data)
            assert get.status_code < 500, (url, get.status_code)
