"""``graphsvc users …`` and ``graphsvc tokens …``: accounts from the command line.

Passwords are read from standard input or prompted (hidden), never taken from the command
line, where they would end in shell history and process lists. ``tokens create`` prints the
token alone on its last line, for scripts.
"""

from __future__ import annotations

import getpass
import sys

import click

from graphsvc.model.accounts import ROLES
from graphsvc.services import accounts


def cli_user() -> str:
    """Who the audit trail names for changes made from the command line."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (containers)
        return "cli"


def _read_password(confirm: bool = True) -> str:
    if sys.stdin is not None and not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm)


def register(main: click.Group, pass_context) -> None:
    @main.group()
    def users() -> None:
        """Manage users: viewer (reads), editor (writes), admin (manages users)."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
    @pass_context
    def users_add(obj, name: str, role: str) -> None:
        """Add user NAME; the password is read from standard input or prompted."""
        accounts.add_user(obj.store, name, role, _read_password(), by=cli_user())
        click.echo(f"user {name} added as {role}")

    @users.command("list")
    @pass_context
    def users_list(obj) -> None:
        """List users with their role and whether they are disabled."""
        for user in obj.store.list_users():
            click.echo(f"{user.name}\t{user.role}\t{'disabled' if user.disabled else 'active'}")

    @users.command("set-role")
    @click.argument("name")
    @click.argument("role", type=click.Choice(ROLES))
    @pass_context
    def users_set_role(obj, name: str, role: str) -> None:
        """Give user NAME another role."""
        accounts.set_role(obj.store, name, role, by=cli_user())
        click.echo(f"user {name} is now {role}")

    @users.command("disable")
    @click.argument("name")
    @click.option("--enable", is_flag=True, help="Enable the user again instead.")
    @pass_context
    def users_disable(obj, name: str, enable: bool) -> None:
        """Disable user NAME: their sessions and tokens stop working at once."""
        accounts.set_disabled(obj.store, name, not enable, by=cli_user())
        click.echo(f"user {name} {'enabled' if enable else 'disabled'}")

    @users.command("password")
    @click.argument("name")
    @pass_context
    def users_password(obj, name: str) -> None:
        """Set a new password for NAME (from standard input or prompted); logs them out everywhere."""
        accounts.set_password(obj.store, name, _read_password(), by=cli_user())
        click.echo(f"password of {name} changed")

    @users.command("remove")
    @click.argument("name")
    @pass_context
    def users_remove(obj, name: str) -> None:
        """Remove user NAME and their tokens (the audit trail keeps their name)."""
        accounts.remove_user(obj.store, name, by=cli_user())
        click.echo(f"user {name} removed")

    @users.command("ensure-admin")
    @pass_context
    def users_ensure_admin(obj) -> None:
        """Create the user `admin` with a one-time random password if there is no active admin."""
        made = accounts.ensure_admin(obj.store)
        if made is None:
            click.echo("an admin exists; nothing to do", err=True)
            return
        name, password = made
        click.echo("=" * 64)
        click.echo("No admin existed, so one was made. Log in and change the password")
        click.echo("(My account → Change password). It is shown only this once:")
        click.echo(f"  user name: {name}")
        click.echo(f"  password:  {password}")
        click.echo("=" * 64)

    @main.group()
    def tokens() -> None:
        """API tokens: sent as `Authorization: Bearer <token>`."""

    @tokens.command("create")
    @click.argument("name")
    @click.option("--label", default="cli", show_default=True, help="A name for the token, to revoke it by.")
    @pass_context
    def tokens_create(obj, name: str, label: str) -> None:
        """Make an API token for user NAME; the token is printed alone on the last line."""
        secret = accounts.create_token(obj.store, name, label)
        click.echo(f"token {label!r} for {name} (shown once; keep it secret):", err=True)
        click.echo(secret)

    @tokens.command("revoke")
    @click.argument("name")
    @click.option("--label", default=None, help="Only the tokens with this label (default: all of NAME's).")
    @pass_context
    def tokens_revoke(obj, name: str, label: str | None) -> None:
        """Revoke user NAME's API tokens."""
        count = accounts.revoke_tokens(obj.store, name, label)
        click.echo(f"{count} token(s) of {name} revoked")

    @tokens.command("list")
    @click.argument("name")
    @pass_context
    def tokens_list(obj, name: str) -> None:
        """List user NAME's API tokens (labels and dates; the tokens themselves are not stored)."""
        for credential in obj.store.list_credentials(name, "token"):
            click.echo(f"{credential.label}\t{credential.created.isoformat() if credential.created else ''}")
