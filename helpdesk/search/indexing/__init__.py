"""Keeping the index right, engine-neutral: the backend is called through search.base.Backend.

hooks    a change to a complaint queues it in the change's own commit
queue    the search_queue rows: written, read in batches, forgotten after the commit
indexer  `flask search indexer`: applies the queue in batches, merges when idle
erasure  what erasing a customer's data asks of the index beyond re-indexing
"""
