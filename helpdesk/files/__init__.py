"""File storage: uploads in (checked, stored), downloads out (one send helper), the
quarantine of unreadable inbound emails. Below the services; no view or service here."""
