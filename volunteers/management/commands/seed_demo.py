"""Create the demo data and one demo account per role, then print the logins. Safe to run twice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_PASSWORD = "xks-demo-2025"
DEMO_ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "system administrator"),
]


class Command(BaseCommand):
    help = "Create demo data and demo accounts (one per role) and print their logins."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        for username, full_name, _role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.first_name = full_name
                user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _full_name, role in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role}")
