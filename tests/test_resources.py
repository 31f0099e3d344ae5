"""Where the authored knowledge base and prompts are found (checkout or installed wheel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import resources


def test_checkout_folders_are_used_in_a_source_checkout() -> None:
    root = Path(__file__).resolve().parent.parent
    assert resources.authored_dir("knowledge") == root / "knowledge"
    assert resources.authored_dir("prompts") == root / "prompts"


def test_installed_package_uses_its_bundled_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No pyproject.toml beside the package: this is an installed wheel, not a checkout.
    monkeypatch.setattr(resources, "_CHECKOUT", tmp_path)
    found = resources.authored_dir("knowledge")
    assert found.parts[-3:] == ("assistant", "_bundled", "knowledge")


def test_unknown_folder_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown authored folder 'models'"):
        resources.authored_dir("models")


def test_build_hook_copies_every_authored_folder() -> None:
    root = Path(__file__).resolve().parent.parent
    hook = (root / "setup.py").read_text(encoding="utf-8")
    assert 'AUTHORED = ("knowledge", "prompts")' in hook
    assert resources.AUTHORED == ("knowledge", "prompts")
    manifest = (root / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft knowledge" in manifest and "graft prompts" in manifest
