from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HealthConfig(AppConfig):
    """Community health: signals read from what the platform knows and from pulse surveys,
    with thresholds conveners can tune, and the stage history they inform."""

    name = "cultivate.health"
    label = "health"

    def ready(self):
        from cultivate.health.jobs import compute_health_step
        from cultivate.insights import jobs

        if not any(name == "health" for name, _step in jobs.LATER_STEPS):
            jobs.LATER_STEPS.append(("health", compute_health_step))
        from cultivate.health.queries import landscape_health
        from cultivate.insights.queries import LANDSCAPE_EXTRAS

        if landscape_health not in LANDSCAPE_EXTRAS:
            LANDSCAPE_EXTRAS.append(landscape_health)
        from cultivate.evaluation.reports.builder import REPORT_EXTRAS
        from cultivate.health.report import sections

        if sections not in REPORT_EXTRAS:
            REPORT_EXTRAS.append(sections)
        for model in ("health.Plan", "health.PlanGoal", "health.PlanActivity"):
            post_save.connect(plan_changed, sender=model, dispatch_uid=f"changed-{model}")
            post_delete.connect(plan_changed, sender=model, dispatch_uid=f"deleted-{model}")


def plan_changed(sender, instance, **kwargs) -> None:
    """Plans record no Activity, yet the home shows this quarter's part of one."""
    from django.core.exceptions import ObjectDoesNotExist

    from cultivate.core.page_cache import community_scope, expire

    try:
        plan = getattr(instance, "goal", instance)
        plan = getattr(plan, "plan", plan)
    except ObjectDoesNotExist:  # a cascade removed what it belonged to
        return
    expire(community_scope(plan.community_id))
