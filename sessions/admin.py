from django.contrib import admin
from django.db import transaction

from reports.tallies import tallies_touch
from sessions.models import (
    Attendance,
    Campaign,
    CampaignTarget,
    CitizenContact,
    HelpRecord,
    HelpSession,
    RecordChange,
    Service,
    ServiceCategory,
)


class KeepsRollupExact:
    """Edits made in the admin change finished months too: refresh the months an object counted in
    before and after the edit (reports.tallies), in the same transaction as the edit."""

    def counted_in(self, obj) -> tuple[int, object]:
        raise NotImplementedError

    def _refresh(self, counted: set) -> None:
        for commune_id, day in sorted(counted, key=lambda place: place[1]):  # locks in one order
            tallies_touch(commune_id=commune_id, day=day)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        before = self.model.objects.select_for_update().filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        self._refresh({self.counted_in(obj), *([self.counted_in(before)] if before else [])})

    def delete_model(self, request, obj):
        self.delete_queryset(request, self.model.objects.filter(pk=obj.pk))

    @transaction.atomic  # the admin's "delete selected" action has no transaction of its own
    def delete_queryset(self, request, queryset):
        counted = {self.counted_in(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        self._refresh(counted)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["code", "name_vi", "name_en", "order", "is_active", "asks_procedure"]


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "category", "order", "is_active"]
    list_filter = ["category", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_vi", "name_en", "code"]

    def has_delete_permission(self, request, obj=None):
        # Retire a service instead: records of help keep pointing at it.
        return False


class TargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "commune", "province"]
    inlines = [TargetInline]
    autocomplete_fields = ["commune", "province"]


@admin.register(HelpSession)
class HelpSessionAdmin(KeepsRollupExact, admin.ModelAdmin):
    list_display = ["__str__", "commune", "team", "status", "closed_at"]
    list_filter = ["status", "place_kind"]
    date_hierarchy = "date"
    raw_id_fields = ["commune", "team", "campaign", "hamlet"]
    # Status changes go through the app (cancelling checks that nothing was recorded).
    readonly_fields = ["status", "closed_at", "closed_by"]

    def counted_in(self, obj):
        return obj.commune_id, obj.date


@admin.register(Attendance)
class AttendanceAdmin(KeepsRollupExact, admin.ModelAdmin):
    list_display = ["volunteer", "session", "present", "present_minutes"]
    raw_id_fields = ["session", "volunteer"]

    def counted_in(self, obj):
        return obj.session.commune_id, obj.session.date


class RecordChangeInline(admin.TabularInline):
    model = RecordChange
    extra = 0
    readonly_fields = ["action", "changed_by", "changed_at", "before", "after"]
    can_delete = False


@admin.register(HelpRecord)
class HelpRecordAdmin(KeepsRollupExact, admin.ModelAdmin):
    list_display = ["service", "citizen_count", "outcome", "session", "recorded_by", "deleted_at"]
    list_filter = ["outcome", "is_tally"]
    raw_id_fields = ["session", "service", "volunteer", "hamlet", "recorded_by", "updated_by", "deleted_by"]
    inlines = [RecordChangeInline]

    def counted_in(self, obj):
        return obj.commune_id, obj.helped_at


@admin.register(CitizenContact)
class CitizenContactAdmin(admin.ModelAdmin):
    list_display = ["name", "consent_purpose", "consent_given_at", "erase_after"]
    raw_id_fields = ["record"]
