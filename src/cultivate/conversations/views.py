"""Thin HTML views for topic lists, topic pages, starting topics and replying."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultivate import policy
from cultivate.conversations import actions, queries, search
from cultivate.conversations.forms import ReplyForm, TopicForm
from cultivate.conversations.models import Topic, TopicKind
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.policy import Can


def topic_list(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    filters = queries.TopicFilters.from_params(request.GET)
    page = Paginator(queries.topics(community, filters), queries.TOPICS_PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "conversations/topic_list.html", {
        "community": community, "page": page, "filters": filters, "kinds": TopicKind.choices,
        "can_start": Can.START_TOPIC in policy.allowed(standing, community)})


@login_required
def start_topic(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.START_TOPIC)
    can_announce = Can.ANNOUNCE in policy.allowed(standing, community)
    form = TopicForm(request.POST or None, can_announce=can_announce,
                     initial={"kind": request.GET.get("kind", TopicKind.DISCUSSION)})
    if request.method == "POST" and form.is_valid():
        try:
            topic = actions.do_start_topic(actor=request.user, community=community,
                                           **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            return redirect(topic)
    return render(request, "conversations/topic_form.html",
                  {"community": community, "form": form})


def topic(request, slug, topic_id):
    found, standing = queries.access_topic(request.user, slug, topic_id)
    return _render_topic(request, found, standing, ReplyForm())


def _render_topic(request, found, standing, reply_form):
    community = found.community
    verbs = policy.allowed(standing, community)
    return render(request, "conversations/topic.html", {
        "community": community, "topic": found, "posts": queries.posts_of(found),
        # A refused draft is always shown again, even on a topic locked meanwhile.
        "reply_form": reply_form if reply_form.is_bound or (
            Can.REPLY in verbs and not found.is_locked) else None,
        "can_accept": found.kind == TopicKind.QUESTION
        and policy.may_accept_answer(request.user, standing, found)})


@require_POST
@login_required
def reply(request, slug, topic_id):
    found, standing = queries.access_topic(request.user, slug, topic_id, Can.REPLY)
    form = ReplyForm(request.POST)
    if form.is_valid():
        reply_to = queries.post_in(found, form.cleaned_data["reply_to"])
        try:
            post = actions.do_reply(actor=request.user, topic=found,
                                    body=form.cleaned_data["body"], reply_to=reply_to)
        except ActionError as error:
            show_action_error(form, error)
        else:
            return redirect(f"{found.get_absolute_url()}#post-{post.pk}")
    # The draft stays in the form, with the reasons beside it.
    return _render_topic(request, found, standing, form)


@require_POST
@login_required
def accept(request, slug, topic_id, post_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id)
    post = queries.post_in(found, post_id)
    if post is None:
        raise NotAllowed("no such post", hide=True)
    try:
        actions.do_accept_answer(actor=request.user, topic=found, post=post)
        messages.success(request, _("Answer accepted."))
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(f"{found.get_absolute_url()}#post-{post.pk}")


def search_page(request):
    text = (request.GET.get("q") or "").strip()[:200]
    hits = search.search(request.user, text, limit=30) if text else []
    topics = {t.pk: t for t in Topic.objects.filter(pk__in={h.topic_id for h in hits})
              .select_related("community")}
    results = [(hit, topics[hit.topic_id]) for hit in hits if hit.topic_id in topics]
    return render(request, "conversations/search.html", {"q": text, "results": results})
