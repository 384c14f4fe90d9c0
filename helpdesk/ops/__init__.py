"""Running and describing the helpdesk: gunicorn's settings (`gunicorn_conf`), the small
process runner behind `make serve` (`serve`), and the package map in docs/architecture.md
(`architecture`, behind `make architecture`)."""
