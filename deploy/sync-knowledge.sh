#!/usr/bin/env bash
# Copies knowledge/ into deploy/k8s/base/knowledge, where Kustomize's
# configMapGenerator can read it. Run it after editing knowledge/, then commit both;
# deploy/validate.sh fails while they differ.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf deploy/k8s/base/knowledge
mkdir -p deploy/k8s/base/knowledge
cp -R knowledge/. deploy/k8s/base/knowledge/
echo "synced knowledge/ -> deploy/k8s/base/knowledge/"
git status --short -- deploy/k8s/base/knowledge knowledge 2>/dev/null || true
