"""The HTML incident report escapes every value: a user agent, an organisation name from a log, an
incident name, a reason or a URL holding markup is shown as text and never runs in the reader's
browser (issue 19: table cells were not escaped)."""

from __future__ import annotations

from lxml import etree

from spillguard.respond.render import html_page

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def data() -> dict:
    return {
        "incident": {"id": 1, "name": EVIL, "file": EVIL, "file_sha256": "ab" * 32, "urls": [EVIL]},
        "timeline": {"published": "2022-11-30T09:45:00+00:00", "first_external_download": EVIL,
                     "discovered": EVIL, "removed": "2022-11-30T14:04:00+00:00", "exposure_hours": EVIL},
        "affected": 6252, "fields": {EVIL: 6252},
        "risk": {"level": EVIL, "major_incident": True, "reasons": [EVIL]},
        "downloaders": [{"client": EVIL, "organisation": EVIL, "kind": EVIL, "first": "2022-11-30T10:00:00+00:00",
                         "requests": 3, "bytes": 1000, "full_copy": True}],
        "holds": {EVIL: 10}, "audit": [{"at": EVIL, "actor": EVIL, "action": EVIL}],
    }


def test_markup_in_every_field_is_text() -> None:
    page = html_page(data())
    tree = etree.HTML(page.encode())
    assert tree.findall(".//script") == [] and tree.findall(".//img") == []
    assert "onerror" not in "".join(str(a) for a in tree.xpath("//@*"))
    shown = "".join(tree.itertext())
    # each of the 16 places shows the value as text
    assert shown.count('<script>alert("x")</script>') == 16
    assert page.count("<rect ") == 5  # the chart is drawn (one bar per hour of the 4 h 19 min window)
