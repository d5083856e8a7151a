"""Find and redact citizens' ID numbers and phone numbers already written into free text: records'
notes and procedures, their change history, and entries kept for review. New text refuses them
(volunteers.phones.refuse_citizen_identity); this cleans what was stored before."""

from django.core.management.base import BaseCommand
from django.db import transaction

from sessions.models import HelpRecord, RecordChange, ReviewEntry
from volunteers.phones import citizen_identity_in, redact_citizen_identity

TEXT_FIELDS = ("note", "procedure")


def _redacted(snapshot: dict) -> dict | None:
    """The snapshot with its free text redacted, or None when nothing in it needed it."""
    changed = False
    cleaned = dict(snapshot)
    for field in TEXT_FIELDS:
        value = cleaned.get(field)
        if isinstance(value, str) and citizen_identity_in(value):
            cleaned[field] = redact_citizen_identity(value)
            changed = True
    return cleaned if changed else None


class Command(BaseCommand):
    help = "Redact citizens' ID and phone numbers found in records' notes and procedures."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, dry_run=False, **options):
        counts = {"records": 0, "history": 0, "review": 0}
        with transaction.atomic():
            records = HelpRecord.objects.exclude(note="", procedure="").only("pk", *TEXT_FIELDS)
            for record in records.iterator(chunk_size=2000):
                cleaned = _redacted({field: getattr(record, field) for field in TEXT_FIELDS})
                if cleaned is not None:
                    counts["records"] += 1
                    if not dry_run:
                        HelpRecord.objects.filter(pk=record.pk).update(**cleaned)
            for change in RecordChange.objects.only("pk", "before", "after").iterator(chunk_size=2000):
                before, after = _redacted(change.before or {}), _redacted(change.after or {})
                if before is not None or after is not None:
                    counts["history"] += 1
                    if not dry_run:
                        RecordChange.objects.filter(pk=change.pk).update(
                            before=before if before is not None else change.before,
                            after=after if after is not None else change.after,
                        )
            for entry in ReviewEntry.objects.only("pk", "details").iterator(chunk_size=2000):
                details = _redacted(entry.details or {})
                if details is not None:
                    counts["review"] += 1
                    if not dry_run:
                        ReviewEntry.objects.filter(pk=entry.pk).update(details=details)
        verb = "would be redacted" if dry_run else "redacted"
        self.stdout.write(
            f"{counts['records']} records, {counts['history']} history entries and "
            f"{counts['review']} entries kept for review {verb}."
        )
