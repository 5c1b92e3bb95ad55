"""Issue 21, item 5: the register at the scale of the 2022 incident — paginated in the store,
searched by name, A-number and facility, filtered by every status and 'unassessed', edited in
place (JSON for the page's script), returning to the same filter without it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from spillguard.demo import RECORDS, SEED
from spillguard.respond.models import Person
from spillguard.respond.store import Store
from spillguard.synth.people import people
from tests.web.test_pages import login, site  # noqa: F401 (the fixture)


def shown(html: str) -> list[str]:
    return re.findall(r'<tr data-person="(\d+)">', html)


def test_search_filter_pages_and_in_place_edits(site) -> None:  # noqa: F811
    app, tmp = site
    client = TestClient(app)
    csrf = login(client, "priya")
    first = client.get("/incidents/1/register")
    assert len(shown(first.text)) == 100 and "People 1–100 of 6,252" in first.text
    last = client.get("/incidents/1/register?page=63")
    assert len(shown(last.text)) == 52 and "People 6,201–6,252 of 6,252" in last.text
    assert "Page 63 of 63" in client.get("/incidents/1/register?page=999").text  # clamped, not a 500
    crowd = list(people(RECORDS, seed=SEED))
    target = crowd[4321]
    by_a = client.get(f"/incidents/1/register?q=A-{target.a_number[:3]}-{target.a_number[3:6]}-{target.a_number[6:]}")
    assert "People 1–1 of 1" in by_a.text
    [pid] = shown(by_a.text)
    with Store(str(tmp / "web.db")).session() as s:
        person = s.get(Person, int(pid))
        assert person.masked.startswith(f"A-{target.a_number[0]}**-***-{target.a_number[-3:]}")
    # the in-place edit: JSON back, the audit written, the row found again by its new status
    r = client.post(f"/incidents/1/holds/{pid}", data={"csrf": csrf, "status": "lifted", "reason": "reviewed"},
                    headers={"Accept": "application/json"})
    assert r.json() == {"status": "lifted", "label": "Hold lifted", "reason": "reviewed"}
    assert shown(client.get("/incidents/1/register?status=lifted").text) == [pid]
    unassessed = client.get("/incidents/1/register?status=unassessed")
    assert "People 1–100 of 6,251" in unassessed.text and pid not in shown(unassessed.text)
    # without the script: back to the same filter and search
    back = "/incidents/1/register?status=lifted&q="
    r = client.post(f"/incidents/1/holds/{pid}", data={"csrf": csrf, "status": "hold", "reason": "again",
                                                       "back": back}, follow_redirects=False)
    assert r.headers["location"] == back
    r = client.post(f"/incidents/1/holds/{pid}", data={"csrf": csrf, "status": "hold", "reason": "x",
                                                       "back": "https://evil.example/"}, follow_redirects=False)
    assert r.headers["location"] == "/incidents/1/register"
    facility = client.get("/incidents/1/register?q=" + "Adelanto%25")  # a % is searched for, not a wildcard
    assert "Nobody matches." in facility.text
    with Store(str(tmp / "web.db")).session() as s:
        assert s.scalars(select(Person).where(Person.id == int(pid))).one().hold_status == "hold"


def test_search_by_name_and_facility(site) -> None:  # noqa: F811
    app, tmp = site
    with Store(str(tmp / "web.db")).session() as s:
        a, b = s.scalars(select(Person).order_by(Person.id).limit(2)).all()
        a.name, a.facility = "Marisol Quispe Huamán", "Otay Mesa Detention Center"
        b.name, b.facility = "Tesfay Gebremedhin", "Adelanto ICE Processing Center"
        s.commit()
        ids = (str(a.id), str(b.id))
    client = TestClient(app)
    login(client, "priya")
    assert shown(client.get("/incidents/1/register?q=quispe").text) == [ids[0]]
    assert shown(client.get("/incidents/1/register?q=adelanto").text) == [ids[1]]
