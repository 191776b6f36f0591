"""Where received mail goes. Listeners (SMTP/LMTP, IMAP polling) live in core and know nothing
of communities; the app that understands mail registers the handler (conversations does, in
its AppConfig.ready)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    """What a handler says about one message: whether the listener should accept it (SMTP
    250) and a short reason for the log. Refusals are answered by mail, not by SMTP errors,
    so the listener accepts almost everything it is given."""

    accepted: bool
    reason: str = ""


Handler = Callable[[bytes, str, list[str]], Delivery]  # (raw message, envelope sender, recipients)
_handler: Handler | None = None


def set_handler(handler: Handler) -> None:
    global _handler
    _handler = handler


def deliver(raw: bytes, envelope_sender: str, recipients: list[str]) -> Delivery:
    if _handler is None:
        return Delivery(accepted=False, reason="no handler")
    return _handler(raw, envelope_sender, recipients)
