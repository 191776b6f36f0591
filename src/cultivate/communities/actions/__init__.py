"""Every change to communities and their membership. Views, API and commands call these."""

from cultivate.communities.actions.charter import do_create_community, do_update_community
from cultivate.communities.actions.invitations import (
    do_accept_invitation,
    do_invite_member,
    do_revoke_invitation,
    find_invitation,
)
from cultivate.communities.actions.membership import (
    do_change_role,
    do_join_community,
    do_leave_community,
    do_remove_member,
)
from cultivate.communities.actions.requests import (
    do_decide_join_request,
    do_request_to_join,
    do_withdraw_join_request,
)

__all__ = [
    "do_accept_invitation", "do_change_role", "do_create_community", "do_decide_join_request",
    "do_invite_member", "do_join_community", "do_leave_community", "do_remove_member",
    "do_request_to_join", "do_revoke_invitation", "do_update_community",
    "do_withdraw_join_request", "find_invitation",
]
