from django.contrib import admin

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
class HelpSessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "commune", "team", "status", "closed_at"]
    list_filter = ["status", "place_kind"]
    date_hierarchy = "date"
    raw_id_fields = ["commune", "team", "campaign", "hamlet"]
    # Status changes go through the app (cancelling checks that nothing was recorded).
    readonly_fields = ["status", "closed_at", "closed_by"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["volunteer", "session", "present", "present_minutes"]
    raw_id_fields = ["session", "volunteer"]


class RecordChangeInline(admin.TabularInline):
    model = RecordChange
    extra = 0
    readonly_fields = ["action", "changed_by", "changed_at", "before", "after"]
    can_delete = False


@admin.register(HelpRecord)
class HelpRecordAdmin(admin.ModelAdmin):
    list_display = ["service", "citizen_count", "outcome", "session", "recorded_by", "deleted_at"]
    list_filter = ["outcome", "is_tally"]
    raw_id_fields = ["session", "service", "volunteer", "hamlet", "recorded_by", "updated_by", "deleted_by"]
    inlines = [RecordChangeInline]


@admin.register(CitizenContact)
class CitizenContactAdmin(admin.ModelAdmin):
    list_display = ["name", "consent_purpose", "consent_given_at", "erase_after"]
    raw_id_fields = ["record"]
