"""Template tags of community health: the plan's forms, and "what we are doing this quarter"
on the community home."""

from django import template
from django.utils import timezone

from cultivate.core.fragments import cached
from cultivate.core.page_cache import community_scope
from cultivate.health import plans

register = template.Library()


@register.inclusion_tag("health/_goal_fields.html", takes_context=True)
def goal_fields(context, prefix: str):
    errors, values = context.get("errors") or {}, context.get("values") or {}
    mine = context.get("form") in ("goal", "start")
    pick = (lambda key: values.get(f"{prefix}{key}", "")) if mine else (lambda key: "")
    errs = (lambda key: errors.get(f"{prefix}{key}", [])) if mine else (lambda key: [])
    return {"prefix": prefix, "indicators": context.get("indicators", []),
            "title": pick("title"), "indicator": pick("indicator"), "target": pick("target"),
            "title_errors": errs("title"), "indicator_errors": errs("indicator"),
            "target_errors": errs("target")}


@register.inclusion_tag("health/_activity_form.html", takes_context=True)
def activity_form(context, goal):
    mine = context.get("form") == f"activity-{goal.pk}"
    return {"goal": goal, "community": context["community"], "mine": mine,
            "errors": context.get("errors") if mine else {},
            "values": context.get("values") if mine else {},
            "formats": context.get("formats", []), "owners": context.get("owners", []),
            "cadences": context.get("cadences", []), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("health/_startup_banner.html")
def startup_banner(community, can):
    """For stewards of a community still in its start-up guide: where they are."""
    from cultivate.health.models import StartupGuide

    guide = None
    if "edit" in can:  # members never see it: no query for them
        guide = (StartupGuide.objects.filter(community=community)
                 .only("step", "finished_at").first())
    show = guide is not None and guide.finished_at is None and bool(guide.step)
    return {"community": community, "show": show}


@register.inclusion_tag("health/_this_quarter.html")
def this_quarter(community, can):
    today = timezone.localdate()
    activities = cached("this-quarter", community.pk, today.isoformat(),
                        scopes=(community_scope(community.pk),),
                        compute=lambda: plans.this_quarter(community, today=today))
    return {"community": community, "activities": activities, "can": can}
