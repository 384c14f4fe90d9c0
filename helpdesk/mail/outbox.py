"""Moved to helpdesk.outbox.queue (the outbox sits below the services). This name stays only
until the service modules other engineers are editing import the new one; then it goes."""

from ..outbox.queue import list_unsent, outbox_counts, queue_email, requeue, requeue_values

__all__ = ["list_unsent", "outbox_counts", "queue_email", "requeue", "requeue_values"]
