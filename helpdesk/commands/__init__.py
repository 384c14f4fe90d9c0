"""The `flask` commands that drive services: staff accounts, demo data, case exports, stored
files, privacy, reports and database backups (`mail` and `search` keep theirs beside their
code; cli.py registers them all)."""
