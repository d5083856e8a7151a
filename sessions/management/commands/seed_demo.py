"""Create the demo data and one demo account per role, then print the logins. Safe to run twice.

It lives in sessions because it seeds shifts after places and people: sessions may use volunteers,
not the reverse."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from sessions.demo import seed_sessions
from volunteers.demo import DEMO_PASSWORD, seed_demo
from volunteers.models import Commune


class Command(BaseCommand):
    help = "Create demo data (Phường Vĩnh Phúc, Xã Hải Lựu) and one demo account per role; print the logins."

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            call_command("load_divisions", verbosity=0)
        logins = seed_demo()
        seed_sessions()
        self.stdout.write(f"Demo logins at http://127.0.0.1:8000/ (password for all: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<20} {description}")
