"""The query language, engine-neutral: what staff type in the search box, as data.

    parse   text to a tree of nodes plus hints (never an error for what staff type)
    terms   what one piece of text or one field filter becomes in the tree
    nodes   the tree: words, phrases, exact codes, field filters, AND / OR / NOT
    text    words as every backend sees them: tokens, stems, stop words, typo distance
    help    the help text shown under the search box

Nothing here imports a search engine; the backends (search/whoosh, search/postgres) and
the SQL matcher (search/sql) each turn a tree into their own query.
"""
