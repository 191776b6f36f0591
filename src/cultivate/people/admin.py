from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from cultivate import policy
from cultivate.core.errors import ActionError
from cultivate.people.models import AccountClaim, ErasureRequest, PersonalAccessToken, User
from cultivate.people.mydata.erasure import do_carry_out_erasure, do_erase_account_now
from cultivate.policy import Can


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("display_name", "bio", "organisation", "location",
                                   "time_zone", "languages", "expertise")}),
        (_("Import"), {"fields": ("placeholder_ref", "merged_into", "merged_at")}),
    )
    list_display = ("username", "email", "display_name", "organisation", "is_active",
                    "is_superuser")
    readonly_fields = ("placeholder_ref", "merged_into", "merged_at")
    search_fields = ("username", "email", "display_name", "organisation")
    filter_horizontal = ("groups", "user_permissions", "expertise")
    actions = ["erase_accounts"]

    # Deleting a person here would leave their activity without an actor and their topics
    # without an author. Erasure is the one rule: the action below, and the erasure requests.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Erase the selected accounts now (contributions stay, shown as "
                                "by “a former member”)"))
    def erase_accounts(self, request, queryset):
        for person in queryset:
            try:
                do_erase_account_now(actor=request.user, user=person)
            except ActionError as error:
                self.message_user(request, f"{person.username}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("An account was erased."), messages.SUCCESS)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name")
    raw_id_fields = ("user",)
    readonly_fields = ("token_hash", "hint")


@admin.register(AccountClaim)
class AccountClaimAdmin(admin.ModelAdmin):
    """Read-only here: deciding a claim merges accounts, which only the claims page does."""

    list_display = ("placeholder", "claimant", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("claimant__username", "placeholder__username", "placeholder__placeholder_ref")
    readonly_fields = ("claimant", "placeholder", "evidence", "status", "decided_by",
                       "decided_at", "decision_note", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Read-only: members ask on their "Your data" page; carrying one out early is the action."""

    list_display = ("user", "status", "mode", "requested_at", "due_at", "done_at")
    list_filter = ("status", "mode")
    readonly_fields = ("user", "mode", "status", "requested_by", "requested_at", "due_at",
                       "cancelled_at", "done_at", "pseudonym")
    actions = ["carry_out_now"]

    def has_module_permission(self, request):
        return Can.SEE_ERASURE_REQUESTS in policy.account_verbs(request.user, None)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Carry out the selected pending requests now"))
    def carry_out_now(self, request, queryset):
        for erasure in queryset:
            try:
                do_carry_out_erasure(actor=request.user, request=erasure)
            except ActionError as error:
                self.message_user(request, f"{erasure.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("An account was erased."), messages.SUCCESS)
