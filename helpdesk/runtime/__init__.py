"""What the services may read from the running app, below them and above domain and models:
the shop's clock (business calendar and time zone from the settings) and the signed links
customers get by email. No request glue here (that is helpdesk.web)."""
