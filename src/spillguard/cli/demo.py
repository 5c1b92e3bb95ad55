"""``spillguard rules | demo | eval | version``: what the tool knows, shows and scores."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from spillguard import __version__
from spillguard.cli.common import (
    EXIT_BLOCK,
    EXIT_PASS,
    _usage,
    app,
    console,
    usage_errors,
)
from spillguard.errors import UsageError


@app.command()
def rules() -> None:
    """List every rule code with its default severity and a one-line explanation."""
    from spillguard.rules import RULES

    for code, rule in RULES.items():
        print(f"{code}  {rule.default.label:<8}  {rule.name:<28} {rule.summary}")


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Folder to build the scenario in.")] = Path("spillguard-demo"),
    serve_app: Annotated[bool, typer.Option("--serve", help="Then start the web app on the demo's data.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """Build the 2022 scenario (last quarter's clean file, this quarter's 'routine update') and scan both."""
    from spillguard.demo import run

    code = run(folder, console(highlight=False))
    if not serve_app or code:
        raise typer.Exit(code)
    import secrets

    import uvicorn

    from spillguard.respond.store import Store
    from spillguard.web.accounts import add_user
    from spillguard.web.app import create_app

    db = str(folder / "incident.db")
    store = Store(db)
    print("\nweb app on the demo's data (accounts made for this run; the passwords are shown once):")
    for name, role in (("demo-publisher", "publisher"), ("demo-privacy", "privacy")):
        password = secrets.token_urlsafe(12)
        with contextlib.suppress(UsageError):
            add_user(store, name, password, role)
            print(f"  {name} ({role}): {password}")
    print(f"  http://127.0.0.1:{port}/login — Ctrl-C stops")
    from spillguard.config import Config

    uvicorn.run(create_app(db, Config()), host="127.0.0.1", port=port, access_log=False)


@app.command("eval")
def eval_(
    seed: Annotated[int, typer.Option(help="Seed of the generated corpus.")] = 2026,
    documents: Annotated[int, typer.Option(help="Number of prose documents.")] = 500,
    tables: Annotated[int, typer.Option(help="Number of tables.")] = 40,
    min_confidence: Annotated[float, typer.Option(help="Minimum confidence of a text detection.")] = 0.5,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    errors: Annotated[int, typer.Option(help="Also list this many missed or false detections "
                                              "(synthetic values only).")] = 0,
    real: Annotated[Path | None, typer.Option(
        "--real", help="Instead: score the gate on a folder of real files with expected.json "
                       "(like ../shared/realworld); one line per disagreement.")] = None,
    thresholds: Annotated[Path | None, typer.Option(
        help="With --real: a JSON object of minimum scores; exit 1 when one falls below.")] = None,
    names: Annotated[Path | None, typer.Option(
        "--names", help="With --real: hand labels of names (digests, no plaintext; e.g. "
                        "tests/realworld_person_names.json): PERSON_NAME precision and recall for "
                        "tables and prose, instead of the gate.")] = None,
) -> None:
    """Precision, recall and F1 per entity on a seeded labelled corpus (prose and tables), or with
    --real the gate's verdicts on real files against their expectations."""
    if real is not None and names is not None:
        _eval_names(real, names, json_out)
        return
    if real is not None:
        _eval_real(real, thresholds, json_out)
        return
    from spillguard.evaluate import evaluate, render, spillguard_recogniser
    from spillguard.synth.corpus import corpus

    if not 0.0 <= min_confidence <= 1.0:
        raise _usage("--min-confidence must be between 0 and 1")
    result = evaluate(corpus(seed, documents, tables), spillguard_recogniser(min_confidence))
    if json_out:
        import json

        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, console(highlight=False), errors)


def _eval_names(folder: Path, labels: Path, json_out: bool) -> None:
    import json

    from spillguard.evaluate_names import evaluate_names, load_labels

    with usage_errors():
        scores = evaluate_names(folder.resolve(), load_labels(labels))
    if json_out:
        print(json.dumps(scores.to_json(), indent=2))
        return
    for part, score in (("tables", scores.tables), ("prose", scores.prose)):
        print(f"PERSON_NAME {part:<6} precision {score.precision:.3f}  recall {score.recall:.3f}  "
              f"(tp {score.tp}, fp {score.fp}, fn {score.fn}, tn {score.tn}, unmatched {score.unmatched})")


def _eval_real(folder: Path, thresholds: Path | None, json_out: bool) -> None:
    from spillguard.evaluate_real import below, evaluate_real, load_thresholds, render

    with usage_errors():
        bars = load_thresholds(thresholds) if thresholds else None
        result = evaluate_real(folder)
    if json_out:
        import json

        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, print, bars)
    failed = below(result, bars) if bars else []
    for line in failed:
        console(stderr=True).print(f"spillguard: below the committed threshold: {line}", highlight=False)
    raise typer.Exit(EXIT_BLOCK if failed else EXIT_PASS)


@app.command()
def version() -> None:
    """Print the version."""
    print(f"spillguard {__version__}")


