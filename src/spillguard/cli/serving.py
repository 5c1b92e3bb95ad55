"""``spillguard users ...`` and ``spillguard serve``: the web app's accounts and the app itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from spillguard.cli.common import (
    ConfigOpt,
    DbOpt,
    _config_or_exit,
    _store,
    _usage,
    app,
    usage_errors,
)

users_app = typer.Typer(no_args_is_help=True, help="Local accounts and API tokens of the web app.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name.", show_default=False)],
    role: Annotated[str, typer.Option(help="publisher, privacy or admin.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Create an account (the first one should be an admin)."""
    import getpass

    from spillguard.web.accounts import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("password: ")
    with usage_errors():
        add_user(_store(db), name, password, role)
    print(f"account {name} ({role}) created")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="Account the token acts for.", show_default=False)],
    label: Annotated[str, typer.Option(help="What the token is for (e.g. cms-upload-hook).")] = "api",
    db: DbOpt = None,
) -> None:
    """Create an API token for machine clients; it is shown once, only its hash is kept."""
    from spillguard.web.accounts import create_token

    with usage_errors():
        print(create_token(_store(db), name, label))


NameArg = Annotated[str, typer.Argument(help="Account name.", show_default=False)]


@users_app.command("disable")
def users_disable(name: NameArg, db: DbOpt = None) -> None:
    """Disable an account: it cannot log in, its sessions and tokens stop working at once."""
    _set_disabled(name, True, db)


@users_app.command("enable")
def users_enable(name: NameArg, db: DbOpt = None) -> None:
    """Enable a disabled account again (its old sessions stay ended)."""
    _set_disabled(name, False, db)


def _set_disabled(name: str, disabled: bool, db: str | None) -> None:
    from spillguard.web.accounts import set_disabled

    with usage_errors():
        set_disabled(_store(db), name, disabled)
    print(f"account {name} {'disabled' if disabled else 'enabled'}")


@users_app.command("password")
def users_password(
    name: NameArg,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Set a new password (an administrator's reset); every session of the account ends."""
    import getpass

    from spillguard.web.accounts import change_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("new password: ")
    with usage_errors():
        change_password(_store(db), name, password)
    print(f"password of {name} changed; its sessions ended")


@users_app.command("tokens")
def users_tokens(name: NameArg, db: DbOpt = None) -> None:
    """List an account's API tokens (id, label, created, revoked); the tokens themselves are not kept."""
    from spillguard.web.accounts import list_tokens

    with usage_errors():
        rows = list_tokens(_store(db), name)
    for t in rows:
        revoked = f"revoked {t['revoked']:%Y-%m-%d %H:%M}" if t["revoked"] else "live"
        print(f"{t['id']:>5}  {t['label']:<30} created {t['created']:%Y-%m-%d %H:%M}  {revoked}")


@users_app.command("revoke-token")
def users_revoke_token(
    name: NameArg, token_id: Annotated[int, typer.Argument(help="The id `users tokens` lists.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Revoke one API token of an account: it stops working at once."""
    from spillguard.web.accounts import revoke_token

    with usage_errors():
        revoke_token(_store(db), name, token_id)
    print(f"token {token_id} of {name} revoked")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    db: DbOpt = None, config: ConfigOpt = None,
    upload_dir: Annotated[Path | None, typer.Option(help="Where uploads are written for the scan "
                                                    "(default: the system's temporary folder).")] = None,
    retain_uploads: Annotated[float, typer.Option(help="Hours to keep uploads after their scan (owner-only "
                                                  "folder, swept afterwards); 0 = delete at once.")] = 0.0,
    docs: Annotated[bool, typer.Option("--docs", help="Serve Swagger UI at /docs (it loads its scripts from a "
                                                      "public CDN; the schema is at /openapi.json).")] = False,
    timezone: Annotated[str | None, typer.Option("--timezone", help="The office's time zone for times on the "
                                                                    "pages (IANA name; default UTC).")] = None,
) -> None:
    """The web app and HTTP API (OpenAPI schema at /openapi.json) over the same library calls as the CLI."""
    import uvicorn

    from spillguard.web.app import create_app

    cfg = _config_or_exit(config, None, None, None, False)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise _usage(f"--timezone {timezone}: not a time zone name (e.g. America/New_York)") from None
    uvicorn.run(create_app(db, cfg, upload_dir=upload_dir, retain_hours=retain_uploads, docs=docs,
                           timezone=timezone), host=host, port=port, access_log=False)


