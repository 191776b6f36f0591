"""Merging an imported placeholder account into the person who claimed it.

Every row of every model that points at the user model is found by walking the model's
relations (hidden ones too: most of ours use `related_name="+"`), so models that other apps add
later are moved without changes here. Where moving a row would break a unique constraint (both
accounts are members of the same community, follow the same topic, marked the same post), the
claimant's row is kept and the placeholder's duplicate deleted; memberships keep the stronger
role. Sign-in credentials and privileges (e-mail addresses, social logins, tokens, groups,
permissions) are never transferred.

Call `merge_accounts` inside the claim action's transaction: it assumes both rows are locked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cultivate.communities.actions.membership import adjust_member_count
from cultivate.communities.models import JoinRequest, Membership, RequestStatus, Role
from cultivate.people.models import User

# Relations that stay with the placeholder: who may sign in as whom, and with which rights.
NOT_MOVED = frozenset({
    "account.emailaddress", "socialaccount.socialaccount", "people.personalaccesstoken",
    "people.user_groups", "people.user_user_permissions", "people.accountclaim", "people.user",
    "people.erasurerequest",
})
PROFILE_FIELDS = ("display_name", "location", "bio", "organisation")

# Strongest first. Sponsors read like members (they back the community, they do not run it),
# so a convener or facilitator is never turned into one.
ROLE_STRENGTH = {Role.CONVENER: 5, Role.FACILITATOR: 4, Role.CORE: 3, Role.SPONSOR: 2,
                 Role.MEMBER: 1}


def stronger_role(first: str, second: str) -> str:
    return first if ROLE_STRENGTH.get(first, 0) >= ROLE_STRENGTH.get(second, 0) else second


@dataclass(frozen=True)
class _UniqueSet:
    others: tuple[str, ...]  # the other fields of the constraint
    condition: Q | None


def user_relations() -> list[models.ForeignKey]:
    """Every foreign key (including the hidden ones and M2M through tables) to the user model."""
    found = []
    for relation in User._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue  # covered by the foreign keys of its through table
        if relation.related_model._meta.label_lower in NOT_MOVED:
            continue
        found.append(relation.field)
    return found


def _unique_sets(field: models.ForeignKey) -> list[_UniqueSet]:
    model = field.model
    names = {field.name, field.attname}
    sets = []
    if field.unique:
        sets.append(_UniqueSet((), None))
    for together in model._meta.unique_together:
        if names & set(together):
            sets.append(_UniqueSet(tuple(n for n in together if n not in names), None))
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, models.UniqueConstraint) and names & set(fields):
            sets.append(_UniqueSet(tuple(n for n in fields if n not in names),
                                   constraint.condition))
    return sets


def _clashes(field, unique: _UniqueSet, placeholder: User, claimant: User) -> list[tuple]:
    """(placeholder's row pk, claimant's row pk) pairs that may not both exist after the move."""
    manager = field.model._base_manager
    mine = manager.filter(**{field.name: claimant})
    theirs = manager.filter(**{field.name: placeholder})
    if unique.condition is not None:
        mine, theirs = mine.filter(unique.condition), theirs.filter(unique.condition)
    kept = {tuple(key): pk for pk, *key in mine.values_list("pk", *unique.others)}
    return [(pk, kept[tuple(key)]) for pk, *key in theirs.values_list("pk", *unique.others)
            if None not in key and tuple(key) in kept]


def _keep_stronger_membership(pairs: list[tuple], moved: dict) -> None:
    for duplicate_pk, kept_pk in pairs:
        duplicate = Membership.objects.select_related("community").get(pk=duplicate_pk)
        kept = Membership.objects.select_for_update().get(pk=kept_pk)
        role = stronger_role(kept.role, duplicate.role)
        joined_at = min(kept.joined_at, duplicate.joined_at)
        if (role, joined_at) != (kept.role, kept.joined_at):
            Membership.objects.filter(pk=kept.pk).update(role=role, joined_at=joined_at)
        duplicate.delete()
        adjust_member_count(duplicate.community, -1)
        moved.setdefault("merged_memberships", []).append(duplicate.community_id)


def _delete_duplicates(model) -> Callable[[list[tuple], dict], None]:
    def delete(pairs: list[tuple], moved: dict) -> None:
        model._base_manager.filter(pk__in=[pk for pk, _kept in pairs]).delete()
    return delete


RESOLVERS: dict[type, Callable[[list[tuple], dict], None]] = {
    Membership: _keep_stronger_membership,
}


def merge_accounts(*, placeholder: User, into: User) -> dict:
    """Move everything the placeholder owns to `into`, mark it merged. Returns counts moved per
    relation ("app.Model.field") for the activity log."""
    moved: dict = {}
    for field in user_relations():
        for unique in _unique_sets(field):
            pairs = _clashes(field, unique, placeholder, into)
            if pairs:
                RESOLVERS.get(field.model, _delete_duplicates(field.model))(pairs, moved)
        count = field.model._base_manager.filter(**{field.name: placeholder}).update(
            **{field.name: into})
        if count:
            moved[f"{field.model._meta.label}.{field.name}"] = count
    # A request to join a community the claimant now belongs to has nothing left to decide.
    JoinRequest.objects.filter(
        user=into, status=RequestStatus.PENDING, community__memberships__user=into,
    ).update(status=RequestStatus.WITHDRAWN, decided_at=timezone.now())
    _fill_profile(into, placeholder)
    placeholder.merged_into = into
    placeholder.merged_at = timezone.now()
    placeholder.is_active = False
    placeholder.save(update_fields=["merged_into", "merged_at", "is_active"])
    return moved


def _fill_profile(person: User, placeholder: User) -> None:
    """The claimant's own profile wins; empty fields take the placeholder's values."""
    changed = [name for name in PROFILE_FIELDS
               if not getattr(person, name) and getattr(placeholder, name)]
    for name in changed:
        setattr(person, name, getattr(placeholder, name))
    if not person.languages and placeholder.languages:
        person.languages = placeholder.languages
        changed.append("languages")
    if changed:
        if "bio" in changed:
            changed.append("bio_html")
        person.save(update_fields=changed)

