"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import gc
import os

from helpdesk import create_app

# Everything the helpdesk writes (the SQLite database, uploads, raw emails, the search
# index, exports, backups) holds customers' personal data: readable by the service user
# only (files 0600, folders 0700), whatever the umask of the shell or unit that started it.
os.umask(0o077)

app = create_app()

# What is loaded at start-up (SQLAlchemy's mappers, Babel's locale data, the holiday
# calendar: about 125,000 objects) lives as long as the process. Moved out of the
# collector's sight, a full collection in a warmed-up worker of the 100,000-complaint
# benchmark takes about 4 ms instead of 65 ms, a pause one request in several hundred paid.
gc.freeze()
