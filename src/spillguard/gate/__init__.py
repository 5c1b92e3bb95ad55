"""``spillguard gate``: the publication gate enforced where files are served.

The web server asks the gate before it serves a file (nginx ``auth_request`` over HTTP, Apache
``mod_authnz_fcgi`` over FastCGI) and names the file *it* resolved. The gate answers from a
verdict bound to the file's bytes: identity (device, inode, size, mtime, ctime) → SHA-256 →
verdict. A file not judged yet is scanned at once within a budget; files that arrive under the
root are scanned on arrival; a signed verdict from CI (``spillguard.attest``) can stand in for a
scan. Modules: ``place`` (which file, gated or not), ``identity`` (bytes of a file, racy-safe),
``pool`` (scans in worker processes, by priority), ``core`` (the decision, alerts, events),
``http`` and ``fastcgi`` (the two front ends), ``servers`` (nginx and Apache configurations),
``arrivals`` (the first pass over a site and file events).
"""
