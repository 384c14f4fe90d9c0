"""The outbox, below the services: emails rendered from templates/email and queued in the
caller's transaction (`queue.queue_email`), and the queue's upkeep. It imports no service;
sending (helpdesk.mail.sender) and inbound intake (helpdesk.mail.inbound) sit above them."""
