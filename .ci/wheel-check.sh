#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv outside the checkout, and draft,
# validate and export a shared intake from another folder: proves a deployment that
# installs the wheel (not an editable checkout) carries the knowledge base and prompts.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
intake="${1:-$here/../shared/intakes/gad_nurse.json}"
[ -f "$intake" ] || intake="$here/tests/data/intakes/$(ls "$here/tests/data/intakes" | head -n 1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# uv (pinned in the test extra) builds and installs in seconds with a warm cache; the
# wheel's declared, pinned dependencies are resolved from the registry, not from .venv.
uv="${UV:-$here/.venv/bin/uv}"
"$uv" build -q --wheel --out-dir "$work/dist" "$here"
wheel="$(ls "$work"/dist/treatment_plan_assistant-*.whl)"
"$uv" venv -q --python python3 "$work/venv"
"$uv" pip install -q --python "$work/venv/bin/python" "$wheel"
mkdir "$work/elsewhere"
cd "$work/elsewhere"
export TPA_DATA_DIR="$work/data"
py="$work/venv/bin/python"
"$py" - <<'PY'
import assistant, pathlib, sys
from assistant.resources import authored_dir
here = pathlib.Path(assistant.__file__).resolve()
if "site-packages" not in str(here):
    sys.exit(f"wheel check: assistant was imported from {here}, not from the installed wheel")
for name in ("knowledge", "prompts"):
    d = authored_dir(name)
    n = sum(1 for _ in d.rglob("*.yaml"))
    if "site-packages" not in str(d) or n == 0:
        sys.exit(f"wheel check: {name}/ not found in the wheel ({d}, {n} files)")
    print(f"wheel check: {name}/ has {n} files in the installed package")
PY
"$py" -m assistant knowledge check
"$py" -m assistant draft "$intake" -o plan.json
"$py" -m assistant validate plan.json --intake "$intake"
"$py" -m assistant export plan.json --format md -o plan.md
"$py" -m assistant export plan.json --format pdf -o plan.pdf
"$py" -m assistant export plan.json --format fhir -o plan.fhir.json
test -s plan.md && test -s plan.pdf && test -s plan.fhir.json
echo "wheel check: drafted, validated and exported $(basename "$intake") from an installed wheel"
