"""Argo CD Applications against their projects and the overlays they deploy.

    python -m checks.argocd ROOT RENDERED_DIR ARGOCD_FILE...

Each Application's project is one of the AppProjects in the files, and admits the
Application's repository and destination; its path is an overlay whose rendered
namespace is the destination's; and every kind that overlay renders is on the
project's whitelist (else the sync fails with "not permitted in project").
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from checks.objects import CLUSTER_SCOPED, Object, label, load, of_kind, run


def group_of(obj: Object) -> str:
    api = str(obj.get("apiVersion", ""))
    return api.split("/")[0] if "/" in api else ""


def permitted(kinds: list[dict[str, str]] | None, group: str, kind: str) -> bool:
    return any(fnmatch(group, k["group"]) and fnmatch(kind, k["kind"]) for k in kinds or [])


def check_application(
    app: Object, projects: dict[str, Object], root: Path, rendered: Path
) -> list[str]:
    where = label(app)
    spec: dict[str, Any] = app.get("spec") or {}
    project = projects.get(spec.get("project", ""))
    if project is None:
        return [f"{where}: project {spec.get('project')!r} is none of {sorted(projects)}"]
    rules = project.get("spec") or {}
    source, destination = spec.get("source") or {}, spec.get("destination") or {}
    problems = []
    if not any(fnmatch(source.get("repoURL", ""), r) for r in rules.get("sourceRepos") or []):
        problems.append(f"{where}: repoURL {source.get('repoURL')!r} is not in {label(project)}")
    if not any(
        fnmatch(destination.get("server", ""), d.get("server", "*"))
        and fnmatch(destination.get("namespace", ""), d.get("namespace", "*"))
        for d in rules.get("destinations") or []
    ):
        problems.append(f"{where}: destination {destination} is not allowed by {label(project)}")
    path = source.get("path", "")
    if not (root / path / "kustomization.yaml").is_file():
        return [*problems, f"{where}: spec.source.path {path!r} is not a kustomization"]
    output = rendered / f"{Path(path).name}.yaml"
    if not output.is_file():
        return [*problems, f"{where}: {path} was not rendered"]
    for obj in load(output):
        group, kind = group_of(obj), obj.get("kind", "")
        namespace = (obj.get("metadata") or {}).get("namespace")
        if kind in CLUSTER_SCOPED:
            if not permitted(rules.get("clusterResourceWhitelist"), group, kind):
                problems.append(
                    f"{where}: cluster-scoped {label(obj)} is not permitted by {label(project)}"
                )
            continue
        if namespace != destination.get("namespace"):
            problems.append(
                f"{where}: {label(obj)} is in namespace {namespace!r}, "
                f"the Application deploys to {destination.get('namespace')!r}"
            )
        whitelist = rules.get("namespaceResourceWhitelist")
        if whitelist is not None and not permitted(whitelist, group, kind):
            problems.append(
                f"{where}: {label(obj)} ({group or 'core'}) is not permitted by {label(project)}"
            )
    return problems


def check(args: list[str]) -> list[str]:
    root, rendered, files = Path(args[0]), Path(args[1]), [Path(a) for a in args[2:]]
    objects = [o for f in files for o in load(f)]
    projects = {p["metadata"]["name"]: p for p in of_kind(objects, "AppProject")}
    problems = []
    apps = list(of_kind(objects, "Application"))
    if not apps:
        problems.append("no Argo CD Application in deploy/argocd")
    for app in apps:
        problems += check_application(app, projects, root, rendered)
    return problems


if __name__ == "__main__":
    run(check)
