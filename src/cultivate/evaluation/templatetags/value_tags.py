from django import template

from cultivate import policy
from cultivate.evaluation.applied.controls import applied_control
from cultivate.policy import Can

register = template.Library()


@register.simple_tag(takes_context=True)
def applied_this(context, kind: str, obj, community=None):
    """`{% applied_this "method" method %}`: how many applied it, and the member's button."""
    request = context.get("request")
    if request is None or obj is None:
        return ""
    community = community or getattr(obj, "community", None)
    may_apply = policy.is_signed_in(request.user) and community is not None and policy.can(
        request.user, Can.RECORD_APPLIED, community)
    return applied_control(request, kind, obj, may_apply=may_apply)
