"""Admin: tickets are read only (written by the services); the per-kind public setting is
edited here by a system administrator."""

from django.contrib import admin

from govserve.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Ticket, TicketAttachment, TicketEvent, TicketKindPolicy


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "action", "actor_label", "from_department", "to_department", "reason"]


class TicketAttachmentInline(ReadOnlyInline):
    model = TicketAttachment
    fields = ["original_name", "content_type", "size", "uploaded_at"]


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "title", "region", "department", "state", "due_date"]
    list_filter = ["kind", "state", "channel"]
    search_fields = ["number", "title"]
    exclude = ["phone", "name"]
    inlines = [TicketEventInline, TicketAttachmentInline]


@admin.register(TicketKindPolicy)
class TicketKindPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "public"]
