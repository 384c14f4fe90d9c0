"""The Whoosh speed-ups: the only place that reads or writes Whoosh's private attributes.

    postings  posting lists and numeric columns read a block at a time into numpy arrays
    phrase    position data read only from the blocks that can hold a candidate
    blocks    posting blocks written with packed ids and weights
    bulk      the rebuild writer: whole segments in one go, in parallel processes
    reads     FastReads: whoosh/reads' segment reads done by postings and phrase
    files     searchers' segment files read with os.pread
    merge     segments merged beside the live index, swapped in under the write lock

With the library patches off (HELPDESK_LIBRARY_PATCHES=0) the backend uses none of them
(and batch commits merge segments themselves, as Whoosh does).

They rely on whoosh-reloaded 2.7.5's file layout (pinned in pyproject.toml);
tests/search/test_layout.py checks that no module outside this folder touches Whoosh's
internals.
"""
