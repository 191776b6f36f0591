import pytest

from cultivate.communities.models import Membership
from cultivate.resources import actions


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(make_user, make_community):
    """A private community (convener ana, facilitator fay, members ben and bea), a public one
    (convener cleo), another private one (convener pia, member pete), and olga who belongs to
    none."""
    people = {name: make_user(name) for name in ("ana", "fay", "ben", "bea", "cleo", "pia",
                                                  "pete", "olga")}
    private = make_community(people["ana"], name="Treasury Circle", visibility="private",
                             join_policy="invitation")
    Membership.objects.create(community=private, user=people["fay"], role="facilitator")
    for name in ("ben", "bea"):
        Membership.objects.create(community=private, user=people[name])
    public = make_community(people["cleo"], name="Open Budgets")
    other = make_community(people["pia"], name="Audit Office", visibility="private",
                           join_policy="invitation")
    Membership.objects.create(community=other, user=people["pete"])
    return {"private": private, "public": public, "other": other, **people}


LINK = {"form": "link", "title": "PEFA framework", "summary": "The **standard** assessment.",
        "resource_type": "toolkit", "language": "en", "tags": ["assessment"],
        "url": "https://www.pefa.org/framework"}
GUIDE = {"form": "guide", "title": "Running a case clinic",
         "summary": "How we run ours.", "resource_type": "guide", "language": "fr",
         "tags": ["facilitation"], "body": "## Steps\n\n1. Invite a case owner\n2. Listen"}


@pytest.fixture
def add_link():
    def add(actor, community, **changes):
        return actions.do_add_resource(actor=actor, community=community, **(LINK | changes))

    return add


@pytest.fixture
def add_guide():
    def add(actor, community, **changes):
        return actions.do_add_resource(actor=actor, community=community, **(GUIDE | changes))

    return add

