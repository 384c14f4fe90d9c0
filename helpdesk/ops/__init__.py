"""Running the helpdesk in production on one server: gunicorn's settings
(`gunicorn_conf`) and the small process runner behind `make serve` (`serve`)."""
