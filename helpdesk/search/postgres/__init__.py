"""The PostgreSQL backend: tsvectors in `search_document`, for several app servers.

backend  PostgresBackend: searches, typo neighbours, health and check; writes through writes
writes   a batch of complaints' rows in one transaction; the full rebuild (then VACUUM)
query    the query tree compiled to tsquery and SQL conditions (Compiler)
page     one statement per result page (matches, counts per category and status, page)
sql      the tables' PostgreSQL-only parts (indexes, layout markers) and the row UPSERT
"""
