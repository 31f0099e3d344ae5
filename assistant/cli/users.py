"""``user init|add|list|set-supervisor|set-role|set-admin|unlock|log|passwd``.

The first account is made once with ``user init`` and is an administrator. Every other
account command acts as ``--user`` after a password check (typed hidden, or the first
line of standard input with ``--password-stdin``); changes need an administrator.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from assistant.errors import StoreError

user_app = typer.Typer(help="Manage clinician and supervisor accounts.", no_args_is_help=True)

ActorOpt = typer.Option(..., "--user", "-u", help="Your user name (an administrator's).")
StdinOpt = typer.Option(
    False,
    "--password-stdin",
    help="Read passwords from standard input, one a line (yours first, then any new one).",
)


def store() -> Any:
    from assistant.store import open_store

    return open_store()


def read_password(password_stdin: bool, *, prompt: str = "Password", confirm: bool = False) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise StoreError(f"no {prompt.lower()} on standard input")
        return line.rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def login(user: str, password_stdin: bool) -> tuple[Any, Any]:
    """(store, session) for ``user`` after their password is checked."""
    st = store()
    return st, st.accounts.login(user, read_password(password_stdin, prompt="Your password"))


@user_app.command("init")
def user_init(
    username: str,
    role: str = typer.Option("supervisor", help="clinician or supervisor"),
    name: str = typer.Option("", help="Full name as it appears on signatures."),
    credentials: str = typer.Option("", help="Credentials for signatures, e.g. LCSW."),
    password_stdin: bool = StdinOpt,
) -> None:
    """Create the first account (an administrator). Refused once any account exists."""
    password = read_password(password_stdin, prompt="New password", confirm=True)
    acc = store().accounts.init(
        username, password, role=role, full_name=name, credentials=credentials or None
    )
    typer.echo(f"added {acc.role} {acc.username} (administrator)")


@user_app.command("add")
def user_add(
    username: str,
    user: str = ActorOpt,
    role: str = typer.Option("clinician", help="clinician or supervisor"),
    name: str = typer.Option("", help="Full name as it appears on signatures."),
    credentials: str = typer.Option("", help="Credentials for signatures, e.g. LCSW."),
    supervisor: str = typer.Option(None, help="User name of this clinician's supervisor."),
    admin: bool = typer.Option(False, "--admin", help="Give the account the admin right."),
    password_stdin: bool = StdinOpt,
) -> None:
    """Add an account (administrators only). The new password is asked twice (hidden)."""
    st, me = login(user, password_stdin)
    password = read_password(password_stdin, prompt="New user's password", confirm=True)
    acc = st.accounts.add(
        me,
        username,
        password,
        role=role,
        full_name=name,
        credentials=credentials or None,
        supervisor=supervisor,
        admin=admin,
    )
    typer.echo(f"added {acc.role} {acc.username}")


@user_app.command("list")
def user_list(user: str = ActorOpt, password_stdin: bool = StdinOpt) -> None:
    """List accounts (no passwords)."""
    st, me = login(user, password_stdin)
    accounts = st.accounts.all(me)
    by_id = {a.id: a.username for a in accounts}
    for a in accounts:
        sup = f" supervised by {by_id.get(a.supervisor_id or -1)}" if a.supervisor_id else ""
        adm = " (administrator)" if a.is_admin else ""
        typer.echo(f"{a.username:<16} {a.role:<10} {a.display}{sup}{adm}")


@user_app.command("set-supervisor")
def user_set_supervisor(
    username: str,
    supervisor: str = typer.Argument(None, help="Supervisor's user name; leave out with --none."),
    none: bool = typer.Option(False, "--none", help="Remove the supervisor."),
    user: str = ActorOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Make SUPERVISOR the supervisor of USERNAME (administrators only; not your own)."""
    if supervisor is None and not none:
        raise StoreError("name the supervisor, or pass --none to remove one")
    st, me = login(user, password_stdin)
    acc = st.accounts.set_supervisor(me, username, None if none else supervisor)
    typer.echo(f"{acc.username}: supervisor {'removed' if none else 'set to ' + supervisor}")


@user_app.command("set-role")
def user_set_role(
    username: str, role: str, user: str = ActorOpt, password_stdin: bool = StdinOpt
) -> None:
    """Make USERNAME a clinician or a supervisor (administrators only; not yourself)."""
    st, me = login(user, password_stdin)
    acc = st.accounts.set_role(me, username, role)
    typer.echo(f"{acc.username}: {acc.role}")


@user_app.command("set-admin")
def user_set_admin(
    username: str,
    revoke: bool = typer.Option(False, "--revoke", help="Take the admin right away."),
    user: str = ActorOpt,
    password_stdin: bool = StdinOpt,
) -> None:
    """Give USERNAME the admin right, or take it away (administrators only; not yourself)."""
    st, me = login(user, password_stdin)
    acc = st.accounts.set_admin(me, username, not revoke)
    typer.echo(f"{acc.username}: {'administrator' if acc.is_admin else 'not an administrator'}")


@user_app.command("unlock")
def user_unlock(username: str, user: str = ActorOpt, password_stdin: bool = StdinOpt) -> None:
    """Unlock an account locked after failed sign-ins (administrators only)."""
    st, me = login(user, password_stdin)
    st.accounts.unlock(me, username)
    typer.echo(f"{username.strip().lower()}: unlocked")


@user_app.command("log")
def user_log(user: str = ActorOpt, password_stdin: bool = StdinOpt) -> None:
    """Sign-ins and account changes with who made them (administrators only)."""
    st, me = login(user, password_stdin)
    for a in st.accounts.log(me):
        typer.echo(f"{a.at:%Y-%m-%d %H:%M:%S}  {a.username:<12} {a.action:<20} {a.detail}")


@user_app.command("passwd")
def user_passwd(
    user: str = typer.Option(..., "--user", "-u", help="Your user name."),
    of: str = typer.Option(
        None, "--for", help="An administrator sets this user's password instead of their own."
    ),
    password_stdin: bool = StdinOpt,
) -> None:
    """Change your password (current one, then the new one twice), or, as an administrator,
    set another user's."""
    if of is None:
        st = store()
        current = read_password(password_stdin, prompt="Current password")
        me = st.accounts.login(user, current)
        new = read_password(password_stdin, prompt="New password", confirm=True)
        st.accounts.change_password(me, current, new)
        typer.echo("password changed")
        return
    st, me = login(user, password_stdin)
    new = read_password(password_stdin, prompt="New password", confirm=True)
    st.accounts.reset_password(me, of, new)
    typer.echo(f"password set for {of.strip().lower()}")
