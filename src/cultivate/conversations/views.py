"""Thin HTML views for topic lists, topic pages, starting topics and replying."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from cultivate import policy
from cultivate.activity.actions import record_visit
from cultivate.conversations import actions, mailing, queries, search, thread
from cultivate.conversations.forms import EditForm, ReplyForm, SubscriptionForm, TopicForm
from cultivate.conversations.models import EmailMode, FlagReason, Post, TopicKind
from cultivate.conversations.reply_address import community_address
from cultivate.core.errors import ActionError, NotAllowed
from cultivate.core.forms import show_action_error
from cultivate.core.fragments import cached_fragment
from cultivate.core.mail import mail_off_for
from cultivate.core.page_cache import community_scope, depends_on, scope_of
from cultivate.policy import Can


@functools.cache
def _profile_prefix() -> str:
    """The profile path prefix: per-post links are built from it, not reversed per post."""
    return reverse("people:profile", kwargs={"username": "~"}).removesuffix("~/")


def topic_list(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.READ)
    filters = queries.TopicFilters.from_params(request.GET)
    page_number = request.GET.get("page")
    depends_on(request, community_scope(community.pk))

    def render_table() -> str:
        page = Paginator(queries.topics(community, filters), queries.TOPICS_PER_PAGE).get_page(
            page_number)
        return render_to_string("conversations/_topic_table.html", {
            "community": community, "page": page, "filters": filters})

    # The same table for every reader: shared, cached until content changes.
    table_html = cached_fragment("topic-table", community.pk, filters, str(page_number),
                                 scopes=(community_scope(community.pk),), render=render_table)
    return render(request, "conversations/topic_list.html", {
        "community": community, "table_html": table_html, "filters": filters,
        "kinds": TopicKind.choices,
        "can_start": Can.START_TOPIC in policy.allowed(standing, community),
        "can_moderate": Can.MODERATE in policy.allowed(standing, community)})


@login_required
def start_topic(request, slug):
    community, standing = policy.access_community(request.user, slug, Can.START_TOPIC)
    can_announce = Can.ANNOUNCE in policy.allowed(standing, community)
    form = TopicForm(request.POST or None, can_announce=can_announce, community=community,
                     initial={"kind": request.GET.get("kind", TopicKind.DISCUSSION)})
    form.enable_similar(reverse("conversations:similar", kwargs={"slug": community.slug}))
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
    try:
        found, standing = queries.access_topic(request.user, slug, topic_id)
    except NotAllowed:
        moved = queries.moved_topic(request.user, topic_id)
        if moved is None:
            raise
        return redirect(moved, permanent=True)
    record_visit(user=request.user, community=found.community)
    depends_on(request, *thread.scopes_of_topic(found))
    return _render_topic(request, found, standing, _reply_form_for(request, found))


def _reply_form_for(request, found) -> ReplyForm:
    """An empty reply, or one answering (?reply_to=) or quoting (?quote=) a post."""
    post_id = request.GET.get("quote") or request.GET.get("reply_to")
    post = queries.post_in(found, post_id) if post_id else None
    if post is None or post.deleted_at is not None:
        return ReplyForm(community=found.community)
    body = queries.quote(post) if request.GET.get("quote") else ""
    form = ReplyForm(initial={"reply_to": post.pk, "body": body}, community=found.community)
    form.replying_to = post
    return form


def _render_topic(request, found, standing, reply_form):
    community = found.community
    verbs = policy.allowed(standing, community)
    may_moderate = Can.MODERATE in verbs
    shared = thread.shared_thread(found, show_deleted=may_moderate,
                                  profile_prefix=_profile_prefix())
    # A refused draft is always shown again, even on a topic locked meanwhile.
    reply_form = reply_form if reply_form.is_bound or (
        Can.REPLY in verbs and found.accepts_replies) else None
    signed_in = policy.is_signed_in(request.user)
    marked, following = queries.reader_state(found, request.user)
    viewer = thread.Viewer(
        user_id=request.user.pk,
        # Only people with buttons get a CSRF token: anonymous pages stay cacheable.
        csrf_field=csrf_input(request) if signed_in else "",
        may_mark=Can.REPLY in verbs, may_reply=reply_form is not None,
        may_moderate=may_moderate,
        may_restore_own=signed_in and standing in policy.MEMBER_STANDINGS,
        may_accept=found.kind == TopicKind.QUESTION
        and policy.may_accept_answer(request.user, standing, found),
        changeable=policy.changeable_post_ids(request.user, standing, shared.outline),
        marked_helpful=marked)
    return render(request, "conversations/topic.html", {
        "community": community, "topic": found, "reply_form": reply_form,
        "reply_fields_html": _shared_reply_fields(community, found, reply_form),
        "thread_html": thread.personalise(shared, viewer, found),
        "can_moderate": may_moderate,
        "following": following,
        "backlinks": queries.backlinks(found, request.user),
        "topic_tags": queries.tags_of(found),
        "move_targets": actions.move_targets(request.user, found) if may_moderate else []})


def _shared_reply_fields(community, found, reply_form):
    """An empty reply form is the same for everyone in the community: render it once."""
    if reply_form is None or reply_form.is_bound or reply_form.initial:
        return None
    return cached_fragment("reply-fields", community.slug, scopes=(scope_of(community),),
                           render=lambda: render_to_string(
        "conversations/_reply_fields.html",
        {"reply_form": ReplyForm(community=community), "community": community,
         "topic": found}))


@require_POST
@login_required
def move(request, slug, topic_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id, Can.MODERATE)
    target = policy.access_community(request.user, request.POST.get("community", ""))[0]
    try:
        actions.do_move_topic(actor=request.user, topic=found, to_community=target)
    except ActionError as error:
        messages.error(request, error.message)
        return _back_to(found)
    messages.success(request, _("Topic moved to %(name)s.") % {"name": target.name})
    return redirect(found)


@require_POST
@login_required
def reply(request, slug, topic_id):
    found, standing = queries.access_topic(request.user, slug, topic_id, Can.REPLY)
    form = ReplyForm(request.POST, community=found.community)
    if form.is_valid():
        reply_to = queries.post_in(found, form.cleaned_data["reply_to"])
        try:
            post = actions.do_reply(actor=request.user, topic=found,
                                    body=form.cleaned_data["body"], reply_to=reply_to,
                                    language=form.cleaned_data.get("language", ""))
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
    slug = (request.GET.get("community") or "").strip()
    community = policy.access_community(request.user, slug, Can.READ)[0] if slug else None
    filters = search.filters_from(request.GET)
    community_id = community.pk if community else None
    hits = search.search(request.user, text, limit=30, filters=filters,
                         community_id=community_id) if text else []
    # The practice library answers too, unless the filters only make sense for topics.
    library = search.search_documents(request.user, text, community_id=community_id,
                                      limit=10) if text and not filters else []
    return render(request, "conversations/search.html", {
        "q": text, "results": queries.hits_with_topics(hits), "params": request.GET,
        "library": library, "library_kinds": search.DOCUMENT_KINDS,
        "community": community, "kinds": TopicKind.choices,
        "my_communities": queries.communities_of(request.user)})


def _post_or_404(topic, post_id):
    post = queries.post_in(topic, post_id)
    if post is None:
        raise NotAllowed("no such post", hide=True)
    return post


def _back_to(topic, post=None):
    return redirect(topic.get_absolute_url() + (f"#post-{post.pk}" if post else ""))


@require_POST
@login_required
def moderate(request, slug, topic_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id, Can.MODERATE)
    setting = request.POST.get("setting", "")
    if setting not in actions.MODERATION_FLAGS:
        messages.error(request, _("Unknown setting."))
        return _back_to(found)
    actions.do_moderate_topic(actor=request.user, topic=found,
                              **{setting: request.POST.get("value") == "on"})
    messages.success(request, _("Topic updated."))
    return _back_to(found)


@login_required
def edit_post(request, slug, topic_id, post_id):
    found, standing = queries.access_topic(request.user, slug, topic_id)
    post = _post_or_404(found, post_id)
    if not policy.may_change_post(request.user, standing, post):
        raise NotAllowed("not your post")
    form = EditForm(request.POST or None, initial={"body": post.body, "title": found.title},
                    with_title=post.is_opening)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_post(actor=request.user, post=post, body=form.cleaned_data["body"],
                                 title=form.cleaned_data.get("title"))
        except ActionError as error:
            show_action_error(form, error)
        else:
            return _back_to(found, post)
    return render(request, "conversations/post_edit.html",
                  {"community": found.community, "topic": found, "post": post, "form": form})


def revisions(request, slug, topic_id, post_id):
    found, standing = queries.access_topic(request.user, slug, topic_id)
    post = _post_or_404(found, post_id)
    if post.deleted_at and Can.MODERATE not in policy.allowed(standing, found.community):
        raise NotAllowed("deleted", hide=True)  # a deleted text stays with the moderators
    return render(request, "conversations/revisions.html", {
        "community": found.community, "topic": found, "post": post,
        "changes": queries.changes_of_post(post)})


@require_POST
@login_required
def delete_post(request, slug, topic_id, post_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id)
    post = _post_or_404(found, post_id)
    try:
        actions.do_delete_post(actor=request.user, post=post)
    except ActionError as error:
        messages.error(request, error.message)
    return _back_to(found, post)


@require_POST
@login_required
def restore_post(request, slug, topic_id, post_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id)
    post = _post_or_404(found, post_id)
    try:
        actions.do_restore_post(actor=request.user, post=post)
    except ActionError as error:
        messages.error(request, error.message)
    return _back_to(found, post)


@require_POST
@login_required
def mark_helpful(request, slug, topic_id, post_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id, Can.REPLY)
    post = _post_or_404(found, post_id)
    try:
        actions.do_mark_helpful(actor=request.user, post=post,
                                helpful=request.POST.get("helpful") != "off")
    except ActionError as error:
        messages.error(request, error.message)
    return _back_to(found, post)


@login_required
def flag_post(request, slug, topic_id, post_id):
    """A page of its own: the topic page stays light, and a refused note is kept."""
    found, _standing = queries.access_topic(request.user, slug, topic_id, Can.REPLY)
    post = _post_or_404(found, post_id)
    error = None
    if request.method == "POST":
        try:
            actions.do_flag_post(actor=request.user, post=post,
                                 reason=request.POST.get("reason", ""),
                                 note=request.POST.get("note", ""))
        except ActionError as refused:
            error = refused
        else:
            messages.success(request, _("Thank you. The moderators will look at it."))
            return _back_to(found, post)
    return render(request, "conversations/flag.html", {
        "community": found.community, "topic": found, "post": post, "error": error,
        "flag_reasons": FlagReason.choices, "chosen": request.POST.get("reason", ""),
        "note": request.POST.get("note", "")}, status=400 if error else 200)


@login_required
def moderation_queue(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.MODERATE)
    if request.method == "POST":
        post = Post.objects.filter(topic__community=community,
                                   pk=_digits(request.POST.get("post_id"))).first()
        if post is None:
            raise NotAllowed("no such post", hide=True)
        hide = request.POST.get("decision") == "hide"
        actions.do_resolve_flags(actor=request.user, post=post, hide=hide)
        messages.success(request, _("Post hidden.") if hide else _("Flags dismissed."))
        return redirect("conversations:moderation", slug=community.slug)
    return render(request, "conversations/moderation.html", {
        "community": community, "queue": queries.moderation_queue(community),
        "deleted": queries.deleted_posts(community)})


def _digits(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@require_POST
@login_required
def follow(request, slug, topic_id):
    found, _standing = queries.access_topic(request.user, slug, topic_id)
    following = request.POST.get("following") == "on"
    actions.do_set_following(actor=request.user, topic=found, following=following)
    messages.success(request, _("You follow this topic.") if following
                     else _("You no longer follow this topic."))
    return _back_to(found)


@login_required
def notifications(request):
    if request.method == "POST":
        actions.do_mark_notifications_read(actor=request.user)
        return redirect("conversations:notifications")
    return render(request, "conversations/notifications.html",
                  {"notifications": queries.notifications_for(request.user)})


@login_required
@require_safe
def open_notification(request, pk):
    """Go to what a notification is about, marking it read on the way (as mail clients do)."""
    notice = queries.notification_of(request.user, pk)
    if notice is None:
        raise Http404
    actions.do_mark_notifications_read(actor=request.user, ids=[notice.pk])
    return redirect(queries.notification_target(notice))


def notification_count(request):
    """The header badge, refreshed by htmx polling; empty for visitors."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    count = queries.unread_count(request.user)
    return render(request, "conversations/_notification_count.html", {"count": count})


def similar_questions(request, slug):
    """Questions like the one being typed (htmx, beside the title field)."""
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    title = (request.GET.get("title") or "")[:200]
    return render(request, "conversations/_similar.html", {
        "community": community,
        "questions": search.similar_questions(request.user, community, title)})


@login_required
def email_settings(request):
    """Every community the person belongs to, each with its mail choice and the address that
    starts a topic there; and, when their address kept bouncing, the button that turns mail
    back on (POST resume_mail)."""
    if request.method == "POST" and "resume_mail" in request.POST:
        if mailing.do_resume_mail(actor=request.user, email=request.user.email):
            messages.success(request, _("Mail to %(address)s is on again.") % {
                "address": request.user.email})
        return redirect("conversations:email-settings")
    rows = [(s, SubscriptionForm(prefix=s.community.slug, initial={
        "email_mode": s.email_mode, "follows_new_topics": s.follows_new_topics}),
        community_address(s.community))
        for s in queries.subscriptions_of(request.user)]
    return render(request, "conversations/email_settings.html", {
        "rows": rows, "bounced": mail_off_for(request.user.email)})


@login_required
def subscription(request, slug):
    community, _standing = policy.access_community(request.user, slug, Can.READ)
    current = queries.subscription_of(request.user, community)
    form = SubscriptionForm(request.POST or None, prefix=community.slug, initial={
        "email_mode": current.email_mode, "follows_new_topics": current.follows_new_topics})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_subscription(actor=request.user, community=community,
                                        **form.cleaned_data)
        except ActionError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Saved: %(choice)s for %(name)s.") % {
                "choice": EmailMode(form.cleaned_data["email_mode"]).label,
                "name": community.name})
            back = request.POST.get("next", "")
            return redirect(back if back == reverse("conversations:email-settings")
                            else reverse("conversations:subscription", args=[community.slug]))
    return render(request, "conversations/subscription.html",
                  {"community": community, "form": form})


@csrf_exempt  # the signed token is the proof; mail clients POST here for one-click (RFC 8058)
def unsubscribe(request, token):
    valid = mailing.read_unsubscribe_token(token) is not None
    if request.method != "POST" or not valid:
        return render(request, "conversations/unsubscribe.html",
                      {"token": token, "valid": valid, "done": False},
                      status=200 if valid else 400)
    try:
        user, community = actions.do_unsubscribe(token=token)
    except ActionError as error:
        return render(request, "conversations/unsubscribe.html",
                      {"token": token, "valid": False, "message": error.message}, status=400)
    return render(request, "conversations/unsubscribe.html",
                  {"token": token, "valid": True, "done": True, "person": user,
                   "community": community})
