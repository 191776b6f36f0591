import pytest

from cultivate.communities.models import Membership


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make_user, make_community):
    """A private community (convener ana, member ben), a public one (convener cleo), and olga
    who belongs to neither."""
    ana, ben, cleo = make_user("ana"), make_user("ben"), make_user("cleo")
    private = make_community(ana, name="Treasury Circle", visibility="private",
                             join_policy="invitation")
    Membership.objects.create(community=private, user=ben)
    public = make_community(cleo, name="Open Budgets")
    return {"private": private, "public": public, "ana": ana, "ben": ben, "cleo": cleo,
            "olga": make_user("olga")}
