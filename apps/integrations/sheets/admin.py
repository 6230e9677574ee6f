"""Sheet write-back admin: what is waiting for the sheet, what was written where, and why a row failed."""
from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.sheets.writeback import requeue


@admin.register(SheetWriteback)
class SheetWritebackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "campaign", "call_link", "lead", "status", "sheet_row", "attempts", "last_error",
                    "written_at")
    list_filter = ("status", "campaign")
    list_select_related = ("campaign", "call__lead")
    search_fields = ("call__lead__name", "call__lead__phone")
    readonly_fields = ("campaign", "call_link", "lead", "status", "sheet_row", "attempts", "last_error",
                       "row_values", "call_values", "created_at", "written_at")
    fields = readonly_fields
    actions = ("write_again",)

    def has_add_permission(self, request):
        return False

    @admin.display(description="call")
    def call_link(self, item: SheetWriteback):
        return format_html('<a href="{}">#{}</a>', reverse("admin:calls_call_change", args=[item.call_id]),
                           item.call_id)

    @admin.display(description="lead")
    def lead(self, item: SheetWriteback) -> str:
        return str(item.call.lead)

    @admin.action(description="Write again (after fixing the sheet or its sharing)", permissions=["change"])
    def write_again(self, request, queryset):
        count = requeue(queryset)
        self.message_user(request, f"{count} result(s) queued for the sheet again.", messages.SUCCESS)
