"""The steward's inbox page, its count in the header, and the switcher of my communities."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cultivate.communities import inbox, queries


@login_required
@require_safe
def stewarding(request):
    return render(request, "communities/stewarding.html", {
        "boxes": inbox.inbox_of(request.user), "mine": inbox.for_me(request.user)})


@require_safe
def stewarding_nav(request):
    """The header's inbox link with what waits, for stewards; nothing for anyone else."""
    boxes = inbox.inbox_of(request.user)
    if not boxes:
        return HttpResponse("")
    return render(request, "communities/_stewarding_nav.html",
                  {"count": sum(box.count for box in boxes)})


@require_safe
def switcher(request):
    return render(request, "communities/_switcher.html",
                  {"memberships": queries.communities_of(request.user)})
