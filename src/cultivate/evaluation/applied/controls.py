"""The "I applied this" control: beside "helpful" on posts (a hook of the thread) and on
methods, stories of use, resources and learning-format adaptations (a template tag)."""

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cultivate.core.fragments import cached
from cultivate.core.page_cache import scope_of
from cultivate.evaluation.applied import queries
from cultivate.evaluation.applied.models import AppliedKind


def applied_on_posts(topic, outline, viewer) -> dict[int, str]:
    """Count and button for every reply of the page: who applied them is kept with the topic
    (an applied record expires it), the address and labels are made once per page."""
    replies = tuple(post.pk for post in outline
                    if not post.is_opening and post.deleted_at is None)
    rows = cached("applied-on-posts", topic.pk, replies, scopes=(scope_of(topic),),
                  compute=lambda: queries.appliers(AppliedKind.POST, replies))
    totals, mine = queries.tally(rows, viewer.user_id)
    labels = _Labels(AppliedKind.POST)
    return {post_id: _control(AppliedKind.POST, post_id, totals.get(post_id, 0),
                              post_id in mine, viewer.may_mark, viewer.csrf_field,
                              f"meta-{post_id}", labels)
            for post_id in replies}


class _Labels:
    """The control's address pattern and words, for many controls of one kind."""

    def __init__(self, kind: str):
        self.action = reverse("evaluation:apply", kwargs={"kind": kind, "target_id": 0})
        self.action_prefix = self.action.removesuffix("0/")
        self.apply, self.applied = escape(_("I applied this")), escape(_("You applied this"))
        self.counts: dict[int, str] = {}

    def count(self, total: int) -> str:
        if total not in self.counts:
            self.counts[total] = escape(ngettext("%(count)s applied this",
                                                 "%(count)s applied this", total)
                                        % {"count": total})
        return self.counts[total]


def _control(kind, target_id, total, applied, may_apply, csrf_field, described,
             labels: _Labels | None = None) -> str:
    labels = labels or _Labels(kind)
    count = f'<span class="meta applied-count">{labels.count(total)}</span>' if total else ""
    if not may_apply:
        return count
    action = f"{labels.action_prefix}{int(target_id)}/"
    button = (f'<form method="post" action="{action}">{csrf_field}'
              f'<button type="submit" class="secondary" aria-pressed="{str(applied).lower()}" '
              f'aria-describedby="{described}">'
              f'{labels.applied if applied else labels.apply}</button></form>')
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
