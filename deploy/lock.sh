#!/usr/bin/env bash
# Regenerates deploy/requirements.lock, the image's exact dependencies with their hashes,
# from pyproject.toml. Run it after changing the dependencies and commit both files;
# deploy/validate.sh fails while the lock does not satisfy pyproject.toml.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${HIREBOT_DEPLOY_TOOLS:-$here/.tools}"
UV_PIN=uv==0.13.9
[[ -x "$tools/bin/uv" ]] || { python3 -m venv "$tools" && "$tools/bin/pip" install --quiet "$UV_PIN"; }
cd "$here/.."
# The image's platform (deploy/Dockerfile: CPython 3.11 on Debian, x86_64), from PyPI itself
# (never a local mirror), with the hashes of every file of each pinned version.
"$tools/bin/uv" pip compile pyproject.toml \
    --generate-hashes \
    --python-version 3.11 \
    --python-platform x86_64-manylinux_2_28 \
    --index-url https://pypi.org/simple \
    --custom-compile-command "deploy/lock.sh" \
    --quiet \
    --output-file deploy/requirements.lock
echo "wrote deploy/requirements.lock ($(grep -c '==' deploy/requirements.lock) packages)"
