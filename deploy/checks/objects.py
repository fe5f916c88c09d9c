"""Reading rendered manifests, and reporting problems the same way in every check."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

Object = dict[str, Any]

# The cluster-scoped kinds that deploy/ could ship; every other kind lives in a namespace.
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "StorageClass",
    "VolumeSnapshotClass",
    "ClusterRules",
    "GlobalRules",
    "ClusterPodMonitoring",
}


def load(path: Path) -> list[Object]:
    """The objects in a multi-document YAML file (empty documents dropped)."""
    with path.open() as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def label(obj: Object) -> str:
    """`Kind/name`, as kubectl prints it."""
    meta = obj.get("metadata") or {}
    return f"{obj.get('kind')}/{meta.get('name') or meta.get('generateName')}"


def of_kind(objects: Iterable[Object], *kinds: str) -> Iterator[Object]:
    return (o for o in objects if o.get("kind") in kinds)


def pod_templates(objects: Iterable[Object]) -> Iterator[tuple[Object, Object]]:
    """(workload, pod template) for every workload that runs pods."""
    for obj in objects:
        spec = obj.get("spec") or {}
        if obj.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            yield obj, spec.get("template") or {}
        elif obj.get("kind") == "CronJob":
            yield obj, ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}


def containers(template: Object) -> list[Object]:
    spec = template.get("spec") or {}
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]


def selects(selector: Object | None, labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) against a pod's labels."""
    if not selector:
        return True
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def run(check: Callable[[list[str]], list[str]]) -> None:
    """Run a check on the command line's arguments: its problems, then its exit status."""
    problems = check(sys.argv[1:])
    for problem in problems:
        print(f"  {problem}")
    sys.exit(1 if problems else 0)
