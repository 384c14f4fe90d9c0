"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import os

from helpdesk import create_app, speedups

# Everything the helpdesk writes (the SQLite database, uploads, raw emails, the search
# index, exports, backups) holds customers' personal data: readable by the service user
# only (files 0600, folders 0700), whatever the umask of the shell or unit that started it.
os.umask(0o077)

app = create_app()

# Start-up objects out of the garbage collector's sight (helpdesk.speedups.freeze_heap).
speedups.freeze_heap(app)
