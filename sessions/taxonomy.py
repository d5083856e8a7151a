"""Codes of the services that figures single out (seeded by migration 0002, see DESIGN.md)."""

VNEID_LEVEL2 = "vneid_level2"
FILE_ONLINE = "file_online"
