import pytest

from cultivate.communities.models import Membership, Role


@pytest.fixture
def catalogue(db):
    """The built-in formats (the data migration loads them; a flushed database gets them back)."""
    from cultivate.formats.builtin import ensure_builtin_formats

    ensure_builtin_formats()


@pytest.fixture
def people(make_user):
    return {name: make_user(name, display_name=name.title())
            for name in ("ana", "fay", "ben", "olga")}


@pytest.fixture
def budget(catalogue, people, make_community):
    """A public community: convener ana, facilitator fay, member ben; olga is outside."""
    community = make_community(people["ana"], name="Budget Practitioners")
    Membership.objects.create(community=community, user=people["fay"], role=Role.FACILITATOR)
    Membership.objects.create(community=community, user=people["ben"], role=Role.MEMBER)
    return community


@pytest.fixture
def hidden(catalogue, people, make_community):
    """A private community of ana's: only members know it exists."""
    return make_community(people["ana"], name="Quiet Circle", visibility="private",
                          join_policy="invitation")
