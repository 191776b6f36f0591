"""Every state change of the people app: profiles, access tokens, claims on imported accounts."""

from cultivate.people.actions.claims import (
    do_claim_account,
    do_decide_claim,
    do_withdraw_claim,
)
from cultivate.people.actions.profile import (
    PROFILE_LIMITS,
    do_create_access_token,
    do_revoke_access_token,
    do_revoke_all_access_tokens,
    do_update_profile,
    user_for_token,
)

__all__ = [
    "PROFILE_LIMITS",
    "do_claim_account",
    "do_create_access_token",
    "do_decide_claim",
    "do_revoke_access_token",
    "do_revoke_all_access_tokens",
    "do_update_profile",
    "do_withdraw_claim",
    "user_for_token",
]
