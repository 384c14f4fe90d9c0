"""The helpdesk's pure domain: no Flask, no SQLAlchemy, the clock passed in."""
