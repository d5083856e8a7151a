#!/usr/bin/env python
"""Django's command-line utility; a malformed setting stops it with one line, not a traceback."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from config.env import SettingsError

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as error:
        sys.exit(f"Configuration error: {error}")
    except OperationalError as error:
        # An unreachable or missing database is a set-up problem: say so in one line.
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else error.__class__.__name__
        sys.exit(f"Database error: {reason} (check DATABASE_URL and that the server is running)")


if __name__ == "__main__":
    main()
