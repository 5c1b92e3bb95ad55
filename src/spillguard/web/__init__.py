"""``spillguard serve``: the HTTP API (and, next, the pages) over the same library calls as the
CLI. The web layer adds no detection logic."""
