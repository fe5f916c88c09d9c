"""Realistic mistakes in deploy/, .circleci/ and the lock, made one at a time on a copy:
deploy/validate.sh fails on each, and says what is wrong."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.deploy.validating import ROOT, broken_copy, edit, run_validate

ZEROS = "0" * 64


@dataclass(frozen=True)
class Mistake:
    file: str
    old: str
    new: str
    expected: tuple[str, ...]  # all in the output, the FAIL line among them


DEPLOYMENT = "deploy/k8s/base/deployment.yaml"
SERVICE = "deploy/k8s/base/service.yaml"
PRODUCTION = "deploy/k8s/overlays/production/kustomization.yaml"
STAGING = "deploy/k8s/overlays/staging/kustomization.yaml"
CIRCLECI = ".circleci/config.yml"
ARGO_PRODUCTION = "deploy/argocd/production.yaml"


def overlay_patch(body: str) -> str:
    """A strategic-merge patch of the bot's Deployment, as an overlay would add one."""
    lines = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: hirebot}",
        *body.split("\n"),
    ]
    return "patches:\n  - patch: |\n" + "".join(f"      {line}\n" for line in lines)


MISTAKES = {
    "misspelt field": Mistake(
        DEPLOYMENT,
        "  replicas: 1\n",
        "  replicass: 1\n",
        ("replicass", "FAIL  kubernetes-validate --strict 1.33.0: production"),
    ),
    "wrong type": Mistake(
        DEPLOYMENT,
        "containerPort: 8080",
        'containerPort: "eighty"',
        ("eighty", "FAIL  kubernetes-validate --strict 1.33.0: staging"),
    ),
    "typo in an overlay's patch": Mistake(
        PRODUCTION,
        "patches:\n",
        overlay_patch(
            "spec:\n  template:\n    spec:\n      containers:\n        - name: bot\n"
            "          readinessProbe:\n            periodSecond: 10"
        ),
        ("periodSecond", "FAIL  kubernetes-validate --strict 1.33.0: production"),
    ),
    "replicas as a word in a patch": Mistake(
        PRODUCTION,
        "patches:\n",
        overlay_patch('spec:\n  replicas: "one"'),
        ("'one' is not of type 'integer'", "FAIL  kubernetes-validate --strict 1.33.0: production"),
    ),
    "two polling replicas": Mistake(
        PRODUCTION,
        "patches:\n",
        overlay_patch("spec:\n  replicas: 2"),
        ("a second poller gets 409 Conflict", "FAIL  cross-object references"),
    ),
    "shell-form entrypoint": Mistake(
        "deploy/Dockerfile",
        'ENTRYPOINT ["python", "-m", "bot"]',
        "ENTRYPOINT python -m bot",
        ("DL3025", "FAIL  hadolint: deploy/Dockerfile"),
    ),
    "stale knowledge copy": Mistake(
        "knowledge/company.yaml",
        "topics:",
        "# edited without deploy/sync-knowledge.sh\ntopics:",
        ("deploy/sync-knowledge.sh", "FAIL  knowledge copy"),
    ),
    "a Deployment selector that matches no pod": Mistake(
        DEPLOYMENT,
        "  selector:\n    matchLabels:\n      app.kubernetes.io/name: hirebot\n",
        "  selector:\n    matchLabels:\n      app.kubernetes.io/name: hirebot\n"
        "      app.kubernetes.io/component: bot\n",
        ("Deployment/hirebot: spec.selector does not match", "FAIL  cross-object references"),
    ),
    "a Service selector that matches no pod": Mistake(
        SERVICE,
        "  selector:\n    app.kubernetes.io/name: hirebot\n",
        "  selector:\n    app.kubernetes.io/name: hirebot\n    app.kubernetes.io/component: web\n",
        (
            "Service/hirebot: its selector",
            "matches no pod template",
            "FAIL  cross-object references",
        ),
    ),
    "a Service targetPort the pod does not have": Mistake(
        SERVICE,
        "targetPort: http",
        "targetPort: web",
        ("Service/hirebot: port 'web'", "FAIL  cross-object references"),
    ),
    "a probe on a port the container does not have": Mistake(
        DEPLOYMENT,
        "path: /healthz\n              port: http\n            periodSeconds: 10",
        "path: /healthz\n              port: htp\n            periodSeconds: 10",
        ("livenessProbe port 'htp'", "FAIL  cross-object references"),
    ),
    "BOT_HTTP_PORT not the container port": Mistake(
        "deploy/k8s/base/kustomization.yaml",
        "- BOT_HTTP_PORT=8080",
        "- BOT_HTTP_PORT=8081",
        ("BOT_HTTP_PORT=8081 but its port named http is 8080", "FAIL  cross-object references"),
    ),
    "a NetworkPolicy admitting a port the pod does not listen on": Mistake(
        "deploy/k8s/base/networkpolicy.yaml",
        "        - port: 8080",
        "        - port: 9090",
        ("NetworkPolicy/hirebot: port 9090", "FAIL  cross-object references"),
    ),
    "a PodMonitoring scraping a port the pod does not have": Mistake(
        "deploy/k8s/base/podmonitoring.yaml",
        "    - port: http",
        "    - port: metrics",
        ("PodMonitoring/hirebot: port 'metrics'", "FAIL  cross-object references"),
    ),
    "a secretKeyRef key the Secret does not have": Mistake(
        DEPLOYMENT,
        "key: token",
        "key: tokn",
        ("Secret 'hirebot-telegram' has no key 'tokn'", "FAIL  cross-object references"),
    ),
    "an optional Secret key read as required": Mistake(
        DEPLOYMENT,
        "key: webhook-secret\n                  optional: true\n",
        "key: webhook-secret\n",
        (
            "key 'webhook-secret' of Secret 'hirebot-telegram' is optional",
            "FAIL  cross-object references",
        ),
    ),
    "a ConfigMap name typo": Mistake(
        DEPLOYMENT,
        "configMapRef:\n                name: hirebot-env",
        "configMapRef:\n                name: hirebot-envv",
        ("ConfigMap 'hirebot-envv' is not in the manifests", "FAIL  cross-object references"),
    ),
    "a claim name typo": Mistake(
        DEPLOYMENT,
        "claimName: hirebot-data",
        "claimName: hirebot-dat",
        (
            "PersistentVolumeClaim 'hirebot-dat' is not in the manifests",
            "FAIL  cross-object references",
        ),
    ),
    "a cron schedule out of range": Mistake(
        "deploy/k8s/backup/cronjob.yaml",
        'schedule: "30 2 * * *"',
        'schedule: "30 25 * * *"',
        ("'30 25 * * *' is not a 5-field cron schedule", "FAIL  cross-object references"),
    ),
    "newTag: latest in production": Mistake(
        PRODUCTION,
        "newTag: v0.1.0",
        "newTag: latest",
        ("'latest' names whatever was pushed last", "FAIL  images: immutable, built by CI"),
    ),
    "a malformed image name in production": Mistake(
        PRODUCTION,
        "hirebot/hirebot\n",
        "hirebot/Hirebot\n",
        ("is not a valid image reference", "FAIL  images: immutable, built by CI"),
    ),
    "a tag that CI never pushes": Mistake(
        PRODUCTION,
        "newTag: v0.1.0",
        "newTag: 0.1.0",
        ("CI never pushes tag '0.1.0'", "FAIL  images: immutable, built by CI"),
    ),
    "staging following a mutable tag": Mistake(
        STAGING,
        f"    digest: sha256:{ZEROS}\n",
        "    newTag: main\n",
        ("has no digest", "CI never pushes tag 'main'", "FAIL  images: immutable, built by CI"),
    ),
    "an unpinned base image": Mistake(
        "deploy/Dockerfile",
        "python:3.11-slim-bookworm@sha256:",
        "python:3.11-slim-bookworm#",
        ("is not pinned by digest", "FAIL  images: immutable, built by CI"),
    ),
    "dependencies installed without hashes": Mistake(
        "deploy/Dockerfile",
        "pip install --require-hashes --no-deps -r",
        "pip install -r",
        ("installs without --require-hashes", "FAIL  images: immutable, built by CI"),
    ),
    "a lock that no longer satisfies pyproject.toml": Mistake(
        "pyproject.toml",
        '"rapidfuzz>=3.6,<4"',
        '"rapidfuzz>=4"',
        ("does not satisfy >=4", "run deploy/lock.sh", "FAIL  lock: deploy/requirements.lock"),
    ),
    "Argo CD targetRevison typo": Mistake(
        ARGO_PRODUCTION,
        "targetRevision: main",
        "targetRevison: main",
        ("'targetRevison' was unexpected", "FAIL  custom resources: deploy/schemas/"),
    ),
    'Argo CD prune: "yes"': Mistake(
        ARGO_PRODUCTION,
        "prune: true",
        'prune: "yes"',
        ("'yes' is not of type 'boolean'", "FAIL  custom resources: deploy/schemas/"),
    ),
    "an Application in a project that does not exist": Mistake(
        "deploy/argocd/staging.yaml",
        "project: hirebot-staging",
        "project: hirebot-stagging",
        (
            "project 'hirebot-stagging' is none of",
            "FAIL  argocd: applications, projects and overlays agree",
        ),
    ),
    "an Application deploying outside its overlay's namespace": Mistake(
        ARGO_PRODUCTION,
        "    namespace: hirebot\n",
        "    namespace: hirebot-prod\n",
        (
            "is not allowed by AppProject/hirebot-production",
            "is in namespace 'hirebot'",
            "FAIL  argocd: applications, projects and overlays agree",
        ),
    ),
    "a kind the project does not permit": Mistake(
        "deploy/argocd/projects.yaml",
        "    - group: batch\n      kind: CronJob\n",
        "",
        (
            "CronJob/hirebot-snapshot (batch) is not permitted",
            "FAIL  argocd: applications, projects and overlays agree",
        ),
    ),
    "unknown CircleCI key": Mistake(
        CIRCLECI,
        "              only: main",
        "              onlyy: main",
        ("'onlyy' was unexpected", "FAIL  check-jsonschema vendor.circle-ci"),
    ),
    "a CircleCI job requiring a job that does not exist": Mistake(
        CIRCLECI,
        "            - kb-check\n",
        "            - kb-chek\n",
        ("requires 'kb-chek', which is not in the workflow", "FAIL  circleci: job graph"),
    ),
    "an undefined CircleCI executor": Mistake(
        CIRCLECI,
        "    executor: docker-build\n",
        "    executor: docker-bulid\n",
        ("executor 'docker-bulid' is not defined", "FAIL  circleci: job graph"),
    ),
    "a runn: step": Mistake(
        CIRCLECI,
        "      - run:\n          name: Log in",
        "      - runn:\n          name: Log in",
        ("unknown step 'runn'", "FAIL  circleci: job graph"),
    ),
    "a release job requiring a job that skips tags": Mistake(
        CIRCLECI,
        "      - kb-check:\n          filters: *every-push\n",
        "      - kb-check\n",
        ("runs on tags but requires kb-check", "FAIL  circleci: job graph"),
    ),
    "broken PromQL in an alert": Mistake(
        "deploy/k8s/base/alerts.yaml",
        "[10m]))) > 1",
        "[10m])) > 1",
        (
            "HirebotStoreWritesSlow: unclosed left parenthesis",
            "FAIL  promql: alert rules and dashboard",
        ),
    ),
    "broken PromQL in the dashboard": Mistake(
        "deploy/monitoring/dashboard.json",
        'max(hirebot_loop_lag_seconds{job=\\"hirebot\\"})',
        'max(hirebot_loop_lag_seconds{job=\\"hirebot\\"}',
        ("dashboard.json: panel 'Event loop lag'", "FAIL  promql: alert rules and dashboard"),
    ),
    "a PodMonitoring typo": Mistake(
        "deploy/k8s/base/podmonitoring.yaml",
        "      interval: 30s",
        "      intervall: 30s",
        (
            "PodMonitoring/hirebot: spec.endpoints.0",
            "'intervall' was unexpected",
            "FAIL  custom resources: deploy/schemas/",
        ),
    ),
    "a Rules typo": Mistake(
        "deploy/k8s/base/alerts.yaml",
        "        - alert: HirebotDown",
        "        - alrt: HirebotDown",
        (
            "Rules/hirebot: spec.groups.0.rules.0",
            "'alrt' was unexpected",
            "FAIL  custom resources: deploy/schemas/",
        ),
    ),
    "a VolumeSnapshotClass with a wrong value": Mistake(
        "deploy/k8s/cluster/volumesnapshotclass.yaml",
        "deletionPolicy: Delete",
        "deletionPolicy: delete",
        (
            "VolumeSnapshotClass/hirebot-pd: deletionPolicy",
            "FAIL  custom resources: deploy/schemas/",
        ),
    ),
}


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """validate.sh on the repository, then on one broken copy per mistake, two at a time."""
    clean = run_validate(ROOT, tmp_path_factory.mktemp("clean"))
    assert clean.returncode == 0, clean.stdout + clean.stderr

    def attempt(name: str) -> subprocess.CompletedProcess[str]:
        mistake = MISTAKES[name]
        tmp = tmp_path_factory.mktemp("mistake")
        root = broken_copy(tmp)
        edit(root / mistake.file, mistake.old, mistake.new)
        return run_validate(root, tmp / "rendered")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(MISTAKES, pool.map(attempt, MISTAKES), strict=True))


def test_there_are_at_least_28_kinds_of_mistake():
    assert len(MISTAKES) >= 28
    assert len({(m.file, m.old, m.new) for m in MISTAKES.values()}) == len(MISTAKES)


@pytest.mark.parametrize("name", MISTAKES)
def test_each_mistake_fails_validation(
    outcomes: dict[str, subprocess.CompletedProcess[str]], name: str
):
    done = outcomes[name]
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for text in MISTAKES[name].expected:
        assert text in output, output
    assert "OK: deploy/ validated" not in output
