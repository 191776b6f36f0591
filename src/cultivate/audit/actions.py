"""The one way anything writes to the audit trail. Call inside the acting transaction, so an
action that rolls back leaves no entry and one that commits always leaves one."""

from django.db import models

from cultivate.audit.models import AuditEntry


def _actor_label(actor) -> str:
    if actor is None or not actor.is_authenticated:
        return ""
    return actor.get_username()


def record_audit(*, actor, verb: str, target: models.Model | None = None, community=None,
                 details: dict | None = None) -> AuditEntry:
    """`verb` in the Activity style (`live.hide`, `member.role_changed`); `community` is the
    one whose conveners may read the entry (None: platform admins only)."""
    signed_in = actor is not None and actor.is_authenticated
    return AuditEntry.objects.create(
        actor=actor if signed_in else None, actor_label=_actor_label(actor), verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        community=community, details=details or {})
