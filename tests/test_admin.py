"""A platform admin manages everything in the Django admin; others are kept out."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/admin/", "/admin/communities/community/", "/admin/communities/membership/",
         "/admin/communities/joinrequest/", "/admin/communities/invitation/",
         "/admin/people/user/", "/admin/people/personalaccesstoken/", "/admin/core/tag/",
         "/admin/activity/activity/"]


def test_admin_pages_for_a_platform_admin(client, make_user, make_community):
    admin = make_user("root", superuser=True)
    community = make_community(make_user("ana"))
    client.force_login(admin)
    for url in PAGES + [f"/admin/communities/community/{community.pk}/change/",
                        f"/admin/people/user/{admin.pk}/change/"]:
        assert client.get(url).status_code == 200, url
    listing = client.get("/admin/communities/community/").content.decode()
    assert community.name in listing


def test_admin_refuses_members(client, make_user):
    client.force_login(make_user("ana"))
    response = client.get("/admin/communities/community/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
