import pytest

from cultivate.communities.models import Membership


@pytest.fixture
def clinic(make_user, make_community):
    """A listed community: convener ana, members ben and cleo, and olga who is outside."""
    ana = make_user("ana")
    community = make_community(ana, name="Budget Clinic", visibility="listed")
    ben, cleo = make_user("ben"), make_user("cleo")
    for person in (ben, cleo):
        Membership.objects.create(community=community, user=person)
    return community, {"ana": ana, "ben": ben, "cleo": cleo, "olga": make_user("olga")}
