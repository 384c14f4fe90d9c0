"""Outbound mail (outbox, SMTP) and inbound mail (ingest)."""
