"""Scans over worker processes and on a Dask cluster give the report a scan in one process
gives, in the same order; a dying worker costs its file an SG910, never the run; the scan cache
serves unchanged files and nothing else."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard import Config, scan
from spillguard.cli import app
from spillguard.config import Execution
from spillguard.execute import local
from spillguard.execute.plan import items
from spillguard.report.json import to_dict
from spillguard.synth.site import site
from tests import execute_tasks


def plain(report) -> dict:  # type: ignore[no-untyped-def]
    data = to_dict(report)
    data["stats"].pop("seconds")
    data["stats"].pop("cached")
    return data


def with_run(**run: object) -> Config:
    return Config().with_overrides(execution=Execution(**run))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    site(folder, 42, seed=5)
    (folder / "section-000" / "poison-0001.txt").write_text("Quarterly figures.\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def serial(web: Path) -> dict:
    report = scan([web], with_run(jobs=1))
    rules = sorted({f.rule for f in report.findings})
    assert {"SG202", "SG205", "SG901", "SG124"} <= set(rules)  # leaks and bad files are in the site
    return plain(report)


def merged(listed: list[tuple[str, str]], results: dict, config: Config) -> dict:
    """The report of per-file results, in file order (sizes filled in for lost files, as the plan does)."""
    from spillguard.model import Report

    report = Report(fail_on=config.fail_on)
    for index in range(len(listed)):
        results[index].bytes = results[index].bytes or Path(listed[index][1]).stat().st_size
        results[index].add_to(report)
    return plain(report)


def _run_pool(web: Path, task) -> dict:  # type: ignore[no-untyped-def]
    """Scanner.run over ``local.run`` with an injected task."""
    from spillguard.execute.task import FileResult

    config = with_run(jobs=2)
    listed = list(items([web], ()))
    results: dict[int, FileResult] = {}
    local.run(listed, list(range(len(listed))), config, 2, results.__setitem__, task=task)
    return merged(listed, results, config)


def test_two_jobs_give_the_one_process_report(web: Path, serial: dict) -> None:
    assert plain(scan([web], with_run(jobs=2))) == serial


def test_a_worker_that_dies_once_costs_nothing(web: Path, serial: dict) -> None:
    for flag in web.rglob("*.died"):
        flag.unlink()
    assert _run_pool(web, execute_tasks.dies_once_on_poison) == serial
    assert (web / "section-000" / "poison-0001.txt.died").exists()  # it did die
    (web / "section-000" / "poison-0001.txt.died").unlink()


def _expected_with_poison_lost(serial: dict, web: Path) -> dict:
    name = (web / "section-000" / "poison-0001.txt").as_posix()
    assert not any(f["file"] == name for f in serial["findings"])  # the file itself is clean
    reason = local.DIED
    return {**serial,
            "decision": "block",
            "findings": sorted([*serial["findings"], {
                "rule": "SG910", "severity": "critical", "title": f"Not fully inspected: {reason}", "file": name,
                "location": {"part": None, "sheet": None, "range": None, "page": None, "line": None, "column": None},
                "visibility": "visible", "entities": [], "records": None, "rows": None, "samples": [],
                "why": "an input that could not be fully inspected fails the gate (fail closed)", "confidence": None,
                "detections": []}], key=lambda f: f["file"]),
            "errors": sorted([*serial["errors"], {"file": name, "rule": "SG910", "reason": reason, "part": None}],
                             key=lambda e: e["file"])}


def _by_file(data: dict) -> dict:
    return {**data, "findings": sorted(data["findings"], key=lambda f: f["file"]),
            "errors": sorted(data["errors"], key=lambda e: e["file"])}


def test_a_file_that_kills_every_worker_is_sg910_and_the_rest_is_scanned(web: Path, serial: dict) -> None:
    got = _run_pool(web, execute_tasks.dies_on_poison)
    assert _by_file(got) == _expected_with_poison_lost(serial, web)


dask = pytest.importorskip("distributed", reason="the Dask extra (distributed) is not installed")


def test_dask_local_cluster_gives_the_one_process_report(web: Path, serial: dict) -> None:
    assert plain(scan([web], with_run(dask="local:2"))) == serial


def _dask_run(web: Path, task, kill_after: int | None = None) -> dict:  # type: ignore[no-untyped-def]
    from distributed import Client, LocalCluster

    from spillguard.execute import cluster
    from spillguard.execute.task import FileResult

    config = with_run(dask="local:2")
    listed = list(items([web], ()))
    results: dict[int, FileResult] = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc, \
            Client(lc) as client:
        pids = list(client.run(os.getpid).values())

        killed = []

        def done(index: int, result: FileResult) -> None:
            results[index] = result
            if kill_after is not None and len(results) >= kill_after and not killed:
                os.kill(pids[0], signal.SIGKILL)  # a worker dies in the middle of the scan
                killed.append(pids[0])

        cluster.run(listed, list(range(len(listed))), config, "local:2", done, task=task, client=client)
        assert kill_after is None or killed
    return merged(listed, results, config)


def test_the_dask_run_survives_a_killed_worker(web: Path, serial: dict) -> None:
    assert _dask_run(web, execute_tasks.slow, kill_after=3) == serial


def test_a_file_that_keeps_killing_dask_workers_is_sg910(web: Path, serial: dict) -> None:
    import dask as dask_core

    with dask_core.config.set({"distributed.scheduler.allowed-failures": 1}):
        got = _dask_run(web, execute_tasks.dies_on_poison)
    expected = _expected_with_poison_lost(serial, web)
    from spillguard.execute.cluster import KILLED as reason
    for item in (*expected["findings"], *expected["errors"]):
        if item["rule"] == "SG910":
            item.update({"reason": reason} if "reason" in item else {"title": f"Not fully inspected: {reason}"})
    assert _by_file(got) == expected


def test_the_cache_serves_unchanged_files_only(web: Path, serial: dict, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(web, copy)
    db = str(tmp_path / "cache.db")
    first = scan([copy], with_run(cache=db))
    assert first.stats.cached == 0
    second = scan([copy], with_run(cache=db))
    bad = {e.file for e in first.errors}
    assert second.stats.cached == first.stats.files - len(bad)  # what could not be inspected is retried
    assert plain(second) == plain(first)
    assert json.dumps(plain(first)).replace(copy.as_posix(), web.as_posix()) == json.dumps(serial)
    # a changed file is scanned again; a moved one is recognised under its new name
    changed = next(copy.rglob("table-*.csv"))
    changed.write_text("Country,Detained\nMexico,12\n", encoding="utf-8")
    moved = next(copy.rglob("memo-*.txt"))
    moved.rename(copy / "renamed-memo.txt")
    third = scan([copy], with_run(cache=db))
    assert third.stats.cached == first.stats.files - len(bad) - 1
    assert plain(third) == plain(scan([copy], with_run(jobs=1)))
    # unmasked values are never cached
    shown = scan([copy], Config(show_values=True).with_overrides(execution=Execution(cache=db)))
    assert shown.stats.cached == 0


def test_fsspec_urls_are_read_by_the_task(tmp_path: Path) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    roster = "Name,A-Number,Date of Birth\n" + "".join(
        f"Persona Ejemplo{i},A{200000000 + i * 7919},1990-01-{i + 1:02d}\n" for i in range(20))
    fs.pipe("/site/a/roster.csv", roster.encode())
    fs.pipe("/site/b/notes.txt", b"Nothing personal here.\n")
    local_copy = tmp_path / "site"
    (local_copy / "a").mkdir(parents=True)
    (local_copy / "b").mkdir()
    (local_copy / "a" / "roster.csv").write_text(roster, encoding="utf-8")
    (local_copy / "b" / "notes.txt").write_text("Nothing personal here.\n", encoding="utf-8")
    by_url = plain(scan(["memory://site"], with_run(jobs=1)))
    on_disk = plain(scan([local_copy], with_run(jobs=1)))
    assert [f["file"] for f in by_url["findings"]] == ["memory:///site/a/roster.csv"]
    assert json.dumps(by_url).replace("memory:///site", local_copy.as_posix()) == json.dumps(on_disk)


def test_cli_jobs_and_dask_options(web: Path, serial: dict, tmp_path: Path) -> None:
    out = {}
    for args in (["--jobs", "1"], ["--jobs", "2"]):
        result = CliRunner().invoke(app, ["scan", str(web), *args, "-f", "json", "-o", str(tmp_path / "r.json")])
        assert result.exit_code == 1, result.output
        out[args[1]] = json.loads((tmp_path / "r.json").read_text())
        out[args[1]]["stats"].pop("seconds")
    assert out["1"] == out["2"]
    for bad in ("local:x", "local:0", ""):
        assert CliRunner().invoke(app, ["scan", str(web), "--dask", bad]).exit_code == 2


def test_a_file_past_its_time_budget_is_sg903_and_a_deaf_one_is_killed(tmp_path: Path) -> None:
    import dataclasses
    import time

    from spillguard.config import Limits
    from spillguard.execute.task import FileResult, over_budget

    for i in range(4):
        (tmp_path / f"page-{i}.txt").write_text("Quarterly figures.\n", encoding="utf-8")
    (tmp_path / "slow.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "slow-deaf.txt").write_text("x\n", encoding="utf-8")
    config = Config(limits=dataclasses.replace(Limits(), seconds_per_file=1),
                    execution=Execution(jobs=2))
    listed = list(items([tmp_path], ()))
    results: dict[int, FileResult] = {}
    started = time.monotonic()
    local.run(listed, list(range(len(listed))), config, 2, results.__setitem__, task=execute_tasks.hangs_on_slow)
    assert time.monotonic() - started < 30  # not the 60 s the slow files would take
    by_name = {Path(listed[i][0]).name: r for i, r in results.items()}
    assert sorted(by_name) == ["page-0.txt", "page-1.txt", "page-2.txt", "page-3.txt", "slow-deaf.txt", "slow.txt"]
    for name in ("slow.txt", "slow-deaf.txt"):
        assert [(e.rule, e.reason) for e in by_name[name].errors] == [("SG903", over_budget(1))]
    assert all(not by_name[f"page-{i}.txt"].errors for i in range(4))


def test_a_url_whose_file_system_is_not_installed_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["scan", "nosuchfs://bucket/site/"])
    assert result.exit_code == 2 and "cannot read nosuchfs:// URLs here" in result.output


def test_the_budget_starts_after_the_scanner_is_ready(tmp_path: Path, monkeypatch) -> None:
    """Issue 22: a worker's start-up (imports, lexicons) counted against its first file's budget,
    so a plain page was SG903 on a loaded machine. The scanner is built before the clock starts."""
    import dataclasses
    import time

    from spillguard.config import Limits
    from spillguard.execute import task
    from spillguard.inspection import Inspector

    original = Inspector.__init__

    def slow_start(self, *args, **kwargs):  # a loaded machine: set-up takes longer than the budget
        time.sleep(1.5)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Inspector, "__init__", slow_start)
    monkeypatch.setattr(task, "_SCANNERS", {})
    page = tmp_path / "page.txt"
    page.write_text("Quarterly figures.\n", encoding="utf-8")
    config = Config(limits=dataclasses.replace(Limits(), seconds_per_file=1))
    result = task.scan_file(page.as_posix(), page.as_posix(), config)
    assert result.errors == []
