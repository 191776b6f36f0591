"""Errors that actions raise; views turn them into form errors, the API into JSON 4xx."""

from django.utils.translation import gettext as _


class ActionError(Exception):
    """A request that cannot be carried out as asked; nothing was changed.

    `code` is a stable machine-readable word, `fields` maps field names to messages.
    """

    status = 400

    def __init__(self, message, *, code: str = "invalid", fields: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.fields = {key: [str(m) for m in value] for key, value in (fields or {}).items()}


class Conflict(ActionError):
    """The request clashes with the current state (already a member, slug taken, ...)."""

    status = 409

    def __init__(self, message, *, code: str = "conflict", fields: dict | None = None):
        super().__init__(message, code=code, fields=fields)


class RateLimited(ActionError):
    """Too many attempts from this writer: answered 429 with `Retry-After: retry_after`."""

    status = 429

    def __init__(self, message, *, retry_after: int, code: str = "rate_limited"):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))


class NotAllowed(Exception):
    """The policy refused. `hide` says whether to answer 404 (the object must stay secret)."""

    def __init__(self, message: str = "", *, hide: bool = False):
        super().__init__(message)
        self.hide = hide


def choose_one_of(values) -> str:
    return _("Choose one of: %(options)s.") % {"options": ", ".join(values)}


class Refused(ActionError):
    """Not allowed yet, for a reason the person can fix (verify an address, wait): 403 with a
    message that says what to do, unlike NotAllowed's bare refusal."""

    status = 403


class NeedsConfirmation(Conflict):
    """The change is allowed but has consequences the person must confirm first; `details`
    says what they are (the API returns it beside the message)."""

    def __init__(self, message, *, code: str = "confirmation_required",
                 fields: dict | None = None, details: dict | None = None):
        super().__init__(message, code=code, fields=fields)
        self.details = details or {}
