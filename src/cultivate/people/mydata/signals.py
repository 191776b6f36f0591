"""Signing in during the grace period cancels a pending erasure (the request mail says so)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from cultivate.core.errors import NotAllowed
from cultivate.people.mydata.erasure import do_cancel_erasure
from cultivate.people.mydata.queries import pending_erasure


@receiver(user_logged_in, dispatch_uid="cultivate.people.mydata.cancel_erasure_on_sign_in")
def cancel_erasure_on_sign_in(sender, request, user, **kwargs):
    if pending_erasure(user) is None:
        return
    try:
        do_cancel_erasure(actor=user, by_signing_in=True)
    except NotAllowed:  # carried out or cancelled a moment ago
        return
    if request is not None:
        messages.info(request, _("Welcome back. You signed in, so your account will not be "
                                 "erased."), fail_silently=True)
