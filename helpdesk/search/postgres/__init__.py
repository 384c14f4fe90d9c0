"""The PostgreSQL backend: tsvectors in `search_document`, for several app servers.

backend  PostgresBackend: writes, searches, rebuilds and checks
page     one statement per result page (matches, counts per category and status, page)
sql      the query tree compiled to tsquery and SQL; the tables' PostgreSQL-only parts
"""
