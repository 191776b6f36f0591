"""Content-Security-Policy on every response (django-csp, policy in settings.py), with what a
static policy cannot say: the live socket's own ws/wss origin and a nonce on every page."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost


class CultivateCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        if not report_only:
            str(request.csp_nonce)  # every page carries a fresh nonce, used or not
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except DisallowedHost:
            return parts
        # Browsers that predate CSP 3 do not count ws/wss of the page's own host as 'self'.
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), f"ws://{host}", f"wss://{host}"]
        parts.update = update
        return parts
