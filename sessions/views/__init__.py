"""Pages of the sessions app, one module per feature: lists and calendars, planning, sign-up and
attendance, recording citizens, campaigns."""
