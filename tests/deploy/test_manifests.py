"""deploy/: validate.sh passes on the repository and fails on broken copies, and the
rendered manifests keep the properties the bot's operation depends on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.validating import run_validate

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = sorted(p.name for p in (DEPLOY / "k8s" / "overlays").iterdir() if p.is_dir())
HTTP_PORT = 8080
CONFIGMAP_LIMIT = 1024 * 1024  # the API server refuses a larger ConfigMap


@dataclass(frozen=True)
class Validation:
    returncode: int
    output: str
    rendered: dict[str, list[dict[str, Any]]]  # overlay -> its objects


@pytest.fixture(scope="module")
def validation(tmp_path_factory: pytest.TempPathFactory) -> Validation:
    """One run of deploy/validate.sh on the repository (tools install on the first)."""
    rendered = tmp_path_factory.mktemp("rendered")
    done = run_validate(ROOT, rendered)
    objects = {}
    for overlay in OVERLAYS:
        path = rendered / f"{overlay}.yaml"
        objects[overlay] = (
            [d for d in yaml.safe_load_all(path.read_text()) if d] if path.exists() else []
        )
    return Validation(done.returncode, done.stdout + done.stderr, objects)


def find(objects: list[dict[str, Any]], kind: str, name_prefix: str = "") -> list[dict[str, Any]]:
    return [
        o for o in objects if o["kind"] == kind and o["metadata"]["name"].startswith(name_prefix)
    ]


def the_one(objects: list[dict[str, Any]], kind: str, name_prefix: str = "") -> dict[str, Any]:
    [found] = find(objects, kind, name_prefix)
    return found


def bot_container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    [container] = the_one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    return container


def settings(objects: list[dict[str, Any]]) -> dict[str, str]:
    """The bot's environment from its env ConfigMap."""
    return the_one(objects, "ConfigMap", "hirebot-env-")["data"]


def test_validate_passes_and_says_what_it_checked(validation: Validation):
    assert validation.returncode == 0, validation.output
    for check in (
        "knowledge copy",
        "yamllint",
        "hadolint",
        "custom resources: deploy/schemas/",
        "cross-object references",
        "images: immutable, built by CI",
        "argocd: applications, projects and overlays agree",
        "check-jsonschema vendor.circle-ci",
        "circleci: job graph",
        "promql: alert rules and dashboard",
        "lock: deploy/requirements.lock",
    ):
        assert f"ok    {check}" in validation.output
    for overlay in [*OVERLAYS, "cluster"]:
        assert f"kubernetes-validate --strict 1.33.0: {overlay}: " in validation.output
    assert validation.output.rstrip().endswith("OK: deploy/ validated")
    assert set(OVERLAYS) == {"staging", "production"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_one_replica_replaced_not_rolled(validation: Validation, overlay: str):
    deployment = the_one(validation.rendered[overlay], "Deployment")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_runs_as_non_root_on_a_read_only_root(validation: Validation, overlay: str):
    objects = validation.rendered[overlay]
    pod = the_one(objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    container = bot_container(objects)["securityContext"]
    assert container["runAsNonRoot"] is True
    assert container["readOnlyRootFilesystem"] is True
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"]["drop"] == ["ALL"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_on_the_bot_http_server(validation: Validation, overlay: str):
    objects = validation.rendered[overlay]
    container = bot_container(objects)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}

    def probe(kind: str) -> tuple[str, int]:
        get = container[kind]["httpGet"]
        return get["path"], ports.get(get["port"], get["port"])

    assert probe("livenessProbe") == ("/healthz", HTTP_PORT)
    assert probe("readinessProbe") == ("/readyz", HTTP_PORT)
    env = settings(objects)
    assert (env["BOT_HTTP_HOST"], env["BOT_HTTP_PORT"]) == ("0.0.0.0", str(HTTP_PORT))
    service = the_one(objects, "Service")
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]
    monitoring = the_one(objects, "PodMonitoring")
    assert [(e["port"], e["path"]) for e in monitoring["spec"]["endpoints"]] == [
        ("http", "/metrics")
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_resources_requested_and_limited(validation: Validation, overlay: str):
    resources = bot_container(validation.rendered[overlay])["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}, bound


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_token_comes_from_a_secret_reference(validation: Validation, overlay: str):
    objects = validation.rendered[overlay]
    env = {e["name"]: e for e in bot_container(objects)["env"]}
    token = env["TELEGRAM_BOT_TOKEN"]
    assert "value" not in token
    assert token["valueFrom"]["secretKeyRef"]["name"] == "hirebot-telegram"
    assert "TELEGRAM_BOT_TOKEN" not in settings(objects)
    assert find(objects, "Secret") == []


def test_no_secret_data_committed_anywhere_in_deploy():
    files = [
        p
        for p in DEPLOY.rglob("*.y*ml")
        if ".tools" not in p.parts and "knowledge" not in p.relative_to(DEPLOY).parts
    ]
    assert len(files) > 5
    for path in [*files, ROOT / ".circleci" / "config.yml"]:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Secret":
                assert not doc.get("data") and not doc.get("stringData"), path
            if isinstance(doc, dict) and doc.get("kind") == "Kustomization":
                assert "secretGenerator" not in doc, path


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_knowledge_mounted_as_a_whole_folder(validation: Validation, overlay: str):
    """No subPath (never updated), at BOT_KNOWLEDGE, with every knowledge file in it."""
    objects = validation.rendered[overlay]
    pod = the_one(objects, "Deployment")["spec"]["template"]["spec"]
    configmap = the_one(objects, "ConfigMap", "hirebot-knowledge-")
    [volume] = [v for v in pod["volumes"] if "configMap" in v]
    assert volume["configMap"]["name"] == configmap["metadata"]["name"]
    [mount] = [m for m in bot_container(objects)["volumeMounts"] if m["name"] == volume["name"]]
    assert "subPath" not in mount and "subPathExpr" not in mount
    assert mount["mountPath"] == settings(objects)["BOT_KNOWLEDGE"]
    assert mount["readOnly"] is True

    # Every file of knowledge/ is in the ConfigMap, unchanged, at its own path.
    items = {i["key"]: i["path"] for i in volume["configMap"]["items"]}
    assert set(items) == set(configmap["data"])
    files = {
        p.relative_to(ROOT / "knowledge").as_posix() for p in (ROOT / "knowledge").rglob("*.y*ml")
    }
    assert set(items.values()) == files
    for key, path in items.items():
        assert configmap["data"][key] == (ROOT / "knowledge" / path).read_text(), path
    size = sum(len(v.encode()) for v in configmap["data"].values())
    assert size < 0.8 * CONFIGMAP_LIMIT, f"knowledge is {size} bytes; a ConfigMap holds 1 MiB"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_store_lives_on_its_own_disk(validation: Validation, overlay: str):
    objects = validation.rendered[overlay]
    claim = the_one(objects, "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteOncePod"]
    assert claim["spec"]["storageClassName"] == "standard-rwo"  # Persistent Disk, not NFS
    pod = the_one(objects, "Deployment")["spec"]["template"]["spec"]
    [volume] = [v for v in pod["volumes"] if "persistentVolumeClaim" in v]
    assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    [mount] = [m for m in bot_container(objects)["volumeMounts"] if m["name"] == volume["name"]]
    assert settings(objects)["BOT_DATABASE"].startswith(mount["mountPath"] + "/")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_argocd_deploys_each_overlay_in_its_own_project(overlay: str):
    app = yaml.safe_load((DEPLOY / "argocd" / f"{overlay}.yaml").read_text())
    assert app["spec"]["source"]["path"] == f"deploy/k8s/overlays/{overlay}"
    assert app["spec"]["source"]["targetRevision"] == "main"
    assert "ServerSideApply=true" in app["spec"]["syncPolicy"]["syncOptions"]
    projects = {
        p["metadata"]["name"]: p
        for p in yaml.safe_load_all((DEPLOY / "argocd" / "projects.yaml").read_text())
    }
    project = projects[app["spec"]["project"]]
    assert app["spec"]["project"] == f"hirebot-{overlay}" != "default"
    # Restricted: its own namespace only, and nothing cluster-wide but the namespace.
    assert project["spec"]["destinations"] == [app["spec"]["destination"]]
    assert project["spec"]["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    assert "*" not in str(project["spec"])


def test_overlays_name_images_by_digest(validation: Validation):
    """Production: a release tag and its digest; staging: main's last build, by digest."""
    images = {
        overlay: {
            c["image"]
            for _, t in pod_templates_of(validation.rendered[overlay])
            for c in t["spec"]["containers"]
        }
        for overlay in OVERLAYS
    }
    [production] = images["production"]
    [staging] = images["staging"]
    repository = "europe-west1-docker.pkg.dev/your-gcp-project/hirebot/hirebot"
    assert production.startswith(f"{repository}:v0.1.0@sha256:"), production
    assert staging.startswith(f"{repository}@sha256:"), staging
    deployment = the_one(validation.rendered["staging"], "Deployment")
    assert "imagePullPolicy" not in deployment["spec"]["template"]["spec"]["containers"][0]


def pod_templates_of(objects: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    found = []
    for o in objects:
        if o["kind"] == "Deployment":
            found.append((o, o["spec"]["template"]))
        elif o["kind"] == "CronJob":
            found.append((o, o["spec"]["jobTemplate"]["spec"]["template"]))
    return found
