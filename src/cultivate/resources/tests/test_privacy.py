"""A member of one private community cannot reach another's resources, pages or files, by id
or by URL: every way in answers 404, exactly as for something that does not exist."""

import pytest

from cultivate.attachments.tests import files
from cultivate.resources import actions
from cultivate.resources.models import KeyResource, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(world):
    """A file resource of the Audit Office (pete's community), and one of ben's own."""
    theirs = actions.do_add_resource(
        actor=world["pete"], community=world["other"], form="file", title="Audit findings",
        summary="Confidential.", resource_type="report", language="en",
        uploaded_file=files.upload("findings.pdf", files.pdf()))
    mine = actions.do_add_resource(
        actor=world["ben"], community=world["private"], form="link", title="Our link",
        summary="Ours.", language="en", url="https://example.org")
    return theirs, mine


def test_pages_and_files_of_another_private_community_are_not_found(world, signed_in,
                                                                    secret, client):
    theirs, _mine = secret
    ben = signed_in(world["ben"])  # a member of Treasury Circle, not of the Audit Office
    pete = signed_in(world["pete"])
    for url in (theirs.get_absolute_url(), theirs.file_url, "/c/audit-office/resources/",
                theirs.get_absolute_url() + "edit/"):
        assert pete.get(url).status_code == 200, url
        assert ben.get(url).status_code == 404, url
    for url in (theirs.get_absolute_url(), theirs.file_url, "/c/audit-office/resources/"):
        assert client.get(url).status_code == 404, url
    for url in (theirs.get_absolute_url() + "delete/", theirs.get_absolute_url() + "key/"):
        assert ben.post(url, {"change": "add"}).status_code == 404, url
    assert Resource.objects.get(pk=theirs.pk).deleted_at is None


def test_guessing_an_id_under_ones_own_community_finds_nothing(world, signed_in, secret):
    theirs, mine = secret
    base = f"/c/treasury-circle/resources/{theirs.pk}/"
    for client in (signed_in(world["ben"]), signed_in(world["ana"])):  # even the convener
        for url in (base, base + "file/findings.pdf", base + "edit/"):
            assert client.get(url).status_code == 404, url
        for url in (base + "delete/", base + "restore/", base + "key/"):
            assert client.post(url, {"change": "add"}).status_code == 404, url
    # Nor does a resource of ours answer under their address.
    pete = signed_in(world["pete"])
    assert pete.get(f"/c/audit-office/resources/{mine.pk}/").status_code == 404
    assert Resource.objects.filter(deleted_at__isnull=True).count() == 2
    assert not KeyResource.objects.exists()


def test_the_api_keeps_them_apart_too(world, client, token_of, secret):
    theirs, mine = secret
    ben, pete = token_of(world["ben"]), token_of(world["pete"])
    own = f"/api/v1/communities/audit-office/resources/{theirs.pk}"
    assert client.get(own, **pete).status_code == 200
    guessed = f"/api/v1/communities/treasury-circle/resources/{theirs.pk}"
    for url in (own, guessed):
        for method in ("get", "delete"):
            answer = getattr(client, method)(url, **ben)
            assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
        assert client.get(url + "/file", **ben).status_code == 404
        assert client.patch(url, b'{"title": "Taken over"}', content_type="application/json",
                            **ben).status_code == 404
    assert client.get("/api/v1/communities/audit-office/resources", **ben).status_code == 404
    assert client.get("/api/v1/communities/audit-office/key-resources",
                      **ben).status_code == 404
    # A convener cannot make another community's resource one of their key resources.
    ana = token_of(world["ana"])
    answer = client.put("/api/v1/communities/treasury-circle/key-resources",
                        f'{{"ids": [{theirs.pk}]}}', content_type="application/json", **ana)
    assert answer.status_code == 400
    assert Resource.objects.get(pk=theirs.pk).title == "Audit findings"


def test_ids_that_are_not_ids(world, signed_in):
    ben = signed_in(world["ben"])
    assert ben.get("/c/treasury-circle/resources/99999999999999999999999/").status_code == 404
    assert ben.get("/c/treasury-circle/resources/0/").status_code == 404
