"""Admin: ratings, rectifications and appeals are read only (written by the services, so the
rules — uniqueness, steps in order, exclusion only by an upheld appeal — always hold)."""

from django.contrib import admin

from govserve.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Rating, RatingAppeal, Rectification, RectificationStep


class RectificationStepInline(ReadOnlyInline):
    model = RectificationStep
    fields = ["at", "action", "actor", "note"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = [
        "case",
        "channel",
        "level",
        "department",
        "created_at",
        "is_current",
        "excluded",
    ]
    list_filter = ["channel", "level", "is_current", "excluded", "real_name"]
    search_fields = ["case__number"]
    exclude = ["rater_key"]
    raw_id_fields = ["case", "visit", "rater", "staff", "revises"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["case", "department", "state", "opened_on", "due", "replied_on"]
    list_filter = ["state"]
    search_fields = ["case__number"]
    raw_id_fields = ["rating", "case"]
    inlines = [RectificationStepInline]


@admin.register(RatingAppeal)
class RatingAppealAdmin(ReadOnlyAdmin):
    list_display = ["rating", "department", "ground", "state", "filed_at", "decided_at"]
    list_filter = ["state", "ground"]
    raw_id_fields = ["rating"]
