"""Mail above the services: the SMTP sender that drains the outbox (attaching the case file
PDF where an email asks for it), inbound intake (parsing, the maildir) and the `flask mail`
commands; the outbox itself is helpdesk.outbox, below the services."""
