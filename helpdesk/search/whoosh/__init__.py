"""The Whoosh backend: an index in local files, shared by the processes of one server.

    backend   WhooshBackend: searches, batches of queued changes, rebuilds, checks
    schema    the index's fields and the documents' field values
    store     where the index lives on disk; locks shared between processes
    search    a parsed query answered per segment with boolean masks, ranked and paged
    plan      a query's words resolved against the whole index (forms, prefixes, typos)
    segments  what queries need from a segment (columns, masks), cached per segment
    reads     how a segment is read with Whoosh's public API (the speed-ups off)
    phrase    exact phrases from pair terms and positions
    pool      open searchers of the live index, borrowed per search
    merging   which segments a commit merges (size tiers after a batch, all small ones idle)
    build     a rebuild's writer: fast/bulk, or Whoosh's own with the speed-ups off
    erasure   rewriting the segments that still hold an erased customer's words
    fast/     the speed-ups: the only modules that touch Whoosh's internals

Nothing outside this folder imports Whoosh's engine: `helpdesk.search` imports this
package only when the setting SEARCH_BACKEND is whoosh (language/text loads Whoosh's
Snowball stemmers).
"""

import sys

from . import schema as _schema

# An index keeps its field types pickled by module path. Indexes built before the search
# package moved into wings (December 2026) name helpdesk.search.whoosh_schema; this alias
# opens them until the next `search reindex` writes the new path.
sys.modules.setdefault("helpdesk.search.whoosh_schema", _schema)
