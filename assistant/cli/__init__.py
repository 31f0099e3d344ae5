"""``python -m assistant``: the command-line face over the same functions the app uses.

Each concern registers its commands from its own module. Errors become one clear line on
standard error and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from assistant.errors import AssistantError

app = typer.Typer(
    name="assistant",
    help="Draft, check and export mental-health treatment plans. Drafts are suggestions "
    "for a licensed clinician to review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from assistant.cli import drafting, intake, retrieval, store, validation

    for module in (intake, validation, retrieval, drafting, store):
        module.register(app)
    importlib.import_module("assistant.cli.progress").register(app)
    importlib.import_module("assistant.cli.facts").register(app)
    importlib.import_module("assistant.cli.knowledge").register(app)
    _registered = True


def main() -> None:
    from assistant import logs
    from assistant.config import get_settings

    try:
        logs.configure(get_settings().log_level)
        _register()
        app()
    except AssistantError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Exit, SystemExit):
        raise
    except OSError as exc:  # a disk full, a folder not writable: say which file, not "went wrong"
        where = f" {exc.filename}" if exc.filename else ""
        typer.echo(
            f"error: could not read or write{where}: {exc.strerror or exc}. "
            "Nothing was changed there.",
            err=True,
        )
        sys.exit(2)
    except Exception as exc:  # last resort: never show a traceback to a clinician
        typer.echo(
            f"error: something went wrong inside the assistant ({type(exc).__name__}). "
            "Nothing was saved. Set TPA_LOG_LEVEL=DEBUG and report it.",
            err=True,
        )
        from assistant.logs import get_logger

        get_logger("assistant.cli").debug("unhandled error", exc_info=True)
        sys.exit(3)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


def run() -> None:
    """The console entry point: :func:`main`, then leave without the interpreter's teardown.

    Everything a command writes is committed or flushed before it returns (the store
    commits each change, files are written whole, log handlers flush at exit), so what is
    left is freeing memory and unloading the NLP and index libraries one object at a time:
    about 0.3 s of every command, and a tenth of a cold draft."""
    import atexit
    import os

    code = 0
    try:
        main()
    except SystemExit as exc:
        if isinstance(exc.code, int) or exc.code is None:
            code = exc.code or 0
        else:  # sys.exit("message"): Python prints it and exits 1
            print(exc.code, file=sys.stderr)
            code = 1
    atexit._run_exitfuncs()  # logging.shutdown and the libraries' own exit hooks
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be written there
            code = code or 1
    os._exit(code)
