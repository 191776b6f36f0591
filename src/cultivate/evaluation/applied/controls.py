"""The "I applied this" control: beside "helpful" on posts (a hook of the thread) and on
methods, stories of use, resources and learning-format adaptations (a template tag)."""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cultivate.evaluation.applied import queries
from cultivate.evaluation.applied.models import AppliedKind


def applied_on_posts(topic, outline, viewer) -> dict[int, str]:
    """Count and button for every reply of the page (one query)."""
    replies = [post.pk for post in outline if not post.is_opening and post.deleted_at is None]
    totals, mine = queries.counts(AppliedKind.POST, replies,
                                  _ViewerUser(viewer.user_id) if viewer.user_id else None)
    pieces = {}
    for post_id in replies:
        pieces[post_id] = _control(AppliedKind.POST, post_id, totals.get(post_id, 0),
                                   post_id in mine, viewer.may_mark, viewer.csrf_field,
                                   f"meta-{post_id}")
    return pieces


class _ViewerUser:
    def __init__(self, pk):
        self.pk = pk


def _control(kind, target_id, total, applied, may_apply, csrf_field, described) -> str:
    count = ""
    if total:
        count = '<span class="meta applied-count">{}</span>'.format(escape(ngettext(
            "%(count)s applied this", "%(count)s applied this", total) % {"count": total}))
    if not may_apply:
        return count
    action = reverse("evaluation:apply", kwargs={"kind": kind, "target_id": target_id})
    label = escape(_("I applied this") if not applied else _("You applied this"))
    button = (f'<form method="post" action="{action}">{csrf_field}'
              f'<button type="submit" class="secondary" aria-pressed="{str(applied).lower()}" '
              f'aria-describedby="{described}">{label}</button></form>')
    return count + button


def applied_control(request, kind: str, obj, *, may_apply: bool) -> str:
    """The control on a page of one object (method, story of use, resource, adaptation)."""
    totals, mine = queries.counts(kind, [obj.pk], request.user)
    csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
            )
    html = _control(kind, obj.pk, totals.get(obj.pk, 0), obj.pk in mine, may_apply, csrf,
                    "")
    html = html.replace(' aria-describedby=""', "")
    return mark_safe(render_to_string("evaluation/applied/_control.html",  # noqa: S308
                                      {"control": mark_safe(html)}))  # noqa: S308
