from django.contrib import admin

from cultivate.conversations.models import InboundMail


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """The log of received mail (conversations.mail_in): what became of each message."""

    list_display = ("received_at", "outcome", "reason", "sender", "recipient", "subject",
                    "size")
    list_filter = ("outcome", "reason")
    search_fields = ("sender", "recipient", "message_id", "subject")
    date_hierarchy = "received_at"
    raw_id_fields = ("post", "user")
    readonly_fields = [field.name for field in InboundMail._meta.fields]

    def has_add_permission(self, request):
        return False  # rows are written by received mail

    def has_change_permission(self, request, obj=None):
        return False
