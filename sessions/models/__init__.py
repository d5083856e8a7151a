"""The sessions app's models, one module per feature: the service catalogue, campaigns, shifts and
attendance, and records of help."""

from sessions.models.calendars import CalendarFeed
from sessions.models.campaigns import Campaign, CampaignTarget
from sessions.models.catalogue import Bilingual, PlaceKind, Service, ServiceCategory
from sessions.models.records import MAX_TALLY, CitizenContact, HelpRecord, RecordChange, ReviewEntry
from sessions.models.shifts import Attendance, HelpSession

__all__ = [
    "MAX_TALLY",
    "Attendance",
    "Bilingual",
    "CalendarFeed",
    "Campaign",
    "CampaignTarget",
    "CitizenContact",
    "HelpRecord",
    "HelpSession",
    "PlaceKind",
    "RecordChange",
    "ReviewEntry",
    "Service",
    "ServiceCategory",
]
