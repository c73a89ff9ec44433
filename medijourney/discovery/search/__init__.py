"""The discovery search engine, in parts a newcomer can read:

- ``candidates.py`` — the queries: offers for the procedure at hospitals in the network, with the
  quality signals, as ``Candidate`` s mapped by column name;
- ``details.py`` — one page's hospitals: current accreditations, doctors' languages, doctors;
- ``rank.py`` — the searcher's trip context, the filters, the order, a page's rows;
- ``explain.py`` — the sentences (window fit, exclusions, empty results), all translatable;
- ``page.py`` — the result types (``ResultRow``, ``SearchResult``, ``CompareResult``);
- ``memo.py`` — the per-process result memo (``DISCOVERY_RESULT_MEMO``);
- ``engine.py`` — ``search`` and ``compare``.

Callers use ``discovery.selectors.search`` and ``discovery.selectors.compare``."""
