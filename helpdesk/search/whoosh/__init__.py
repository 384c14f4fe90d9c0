"""The Whoosh backend: an index in local files, shared by the processes of one server.

    backend   WhooshBackend: searches, batches of queued changes, rebuilds, checks
    schema    the index's fields and the documents' field values
    store     where the index lives on disk; locks shared between processes
    search    a parsed query answered per segment with boolean masks, ranked and paged
    plan      a query's words resolved against the whole index (forms, prefixes, typos)
    pool      open searchers of the live index, borrowed per search
    fast/     the speed-ups: the only modules that touch Whoosh's internals

Nothing outside this folder imports Whoosh: `helpdesk.search` imports it only when the
setting SEARCH_BACKEND is whoosh.
"""
