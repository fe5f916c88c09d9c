"""What no single object's schema can see: selectors, ports and references between objects.

    python -m checks.cross_objects SECRETS RENDERED...

SECRETS lists the Secrets that the manifests refer to but git never holds (their keys,
each `required` or `optional`). RENDERED are `kubectl kustomize` outputs, one overlay each.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from checks.objects import (
    CLUSTER_SCOPED,
    Object,
    containers,
    label,
    load,
    of_kind,
    pod_templates,
    run,
    selects,
)

# A field of a cron schedule: *, a number, a range or a list of them, each with an optional step.
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def check(args: list[str]) -> list[str]:
    secrets: dict[str, dict[str, str]] = yaml.safe_load(Path(args[0]).read_text()) or {}
    problems = []
    for path in map(Path, args[1:]):
        objects = load(path)
        problems += [f"{path.name}: {p}" for p in check_overlay(objects, secrets)]
    return problems


def check_overlay(objects: list[Object], secrets: dict[str, dict[str, str]]) -> list[str]:
    pods = [(w, t) for w, t in pod_templates(objects)]
    problems = []
    problems += workload_selectors(pods)
    problems += selectors_that_select(objects, pods)
    problems += probe_ports(pods)
    problems += http_port_setting(objects, pods)
    problems += references(objects, pods, secrets)
    problems += cron_schedules(objects)
    problems += polling_runs_alone(objects, pods)
    problems += [
        f"{label(o)}: is cluster-scoped but has namespace {o['metadata']['namespace']!r}"
        for o in objects
        if o.get("kind") in CLUSTER_SCOPED and (o.get("metadata") or {}).get("namespace")
    ]
    return problems


def pod_labels(template: Object) -> dict[str, str]:
    return (template.get("metadata") or {}).get("labels") or {}


def port_names_and_numbers(template: Object) -> tuple[set[str], set[int]]:
    ports = [p for c in containers(template) for p in c.get("ports") or []]
    return {p["name"] for p in ports if "name" in p}, {p["containerPort"] for p in ports}


def has_port(template: Object, port: object) -> bool:
    names, numbers = port_names_and_numbers(template)
    return port in names if isinstance(port, str) else port in numbers


def workload_selectors(pods: list[tuple[Object, Object]]) -> list[str]:
    return [
        f"{label(w)}: spec.selector does not match its own pod template's labels"
        for w, t in pods
        if w["kind"] != "CronJob"
        and w["kind"] != "Job"
        and not selects((w.get("spec") or {}).get("selector"), pod_labels(t))
    ]


def selectors_that_select(objects: list[Object], pods: list[tuple[Object, Object]]) -> list[str]:
    """Services, NetworkPolicies, PodMonitorings and PDBs must select a pod with their ports."""
    problems = []
    for obj in objects:
        spec = obj.get("spec") or {}
        kind = obj.get("kind")
        if kind == "Service":
            selector = {"matchLabels": spec.get("selector") or {}}
            ports = [p.get("targetPort", p.get("port")) for p in spec.get("ports") or []]
        elif kind == "NetworkPolicy":
            selector = spec.get("podSelector")
            ports = [
                p["port"] for rule in spec.get("ingress") or [] for p in rule.get("ports") or []
            ]
        elif kind == "PodMonitoring":
            selector = spec.get("selector")
            ports = [e.get("port") for e in spec.get("endpoints") or []]
        elif kind == "PodDisruptionBudget":
            selector, ports = spec.get("selector"), []
        else:
            continue
        if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
            if kind != "NetworkPolicy":  # an empty podSelector is every pod, on purpose
                problems.append(f"{label(obj)}: selects every pod (empty selector)")
            continue
        chosen = [t for _, t in pods if selects(selector, pod_labels(t))]
        if not chosen:
            problems.append(f"{label(obj)}: its selector {selector} matches no pod template")
            continue
        for port in ports:
            if not any(has_port(t, port) for t in chosen):
                problems.append(f"{label(obj)}: port {port!r} is not a port of the pods it selects")
    return problems


def probe_ports(pods: list[tuple[Object, Object]]) -> list[str]:
    problems = []
    for workload, template in pods:
        for container in containers(template):
            names = {p["name"] for p in container.get("ports") or [] if "name" in p}
            numbers = {p["containerPort"] for p in container.get("ports") or []}
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                action = container.get(probe) or {}
                target = action.get("httpGet") or action.get("tcpSocket") or action.get("grpc")
                if not target:
                    continue
                port = target.get("port")
                known = port in names if isinstance(port, str) else port in numbers
                if not known:
                    problems.append(
                        f"{label(workload)}: container {container['name']}: {probe} port "
                        f"{port!r} is none of its ports (names {sorted(names)}, "
                        f"numbers {sorted(numbers)})"
                    )
    return problems


def container_env(objects: list[Object], container: Object) -> dict[str, str]:
    """The container's plain environment: ConfigMaps it loads whole, then its own values."""
    env: dict[str, str] = {}
    configmaps = {o["metadata"]["name"]: o for o in of_kind(objects, "ConfigMap")}
    for source in container.get("envFrom") or []:
        ref = (source.get("configMapRef") or {}).get("name")
        env.update((configmaps.get(ref) or {}).get("data") or {})
    for item in container.get("env") or []:
        if "value" in item:
            env[item["name"]] = str(item["value"])
    return env


def http_port_setting(objects: list[Object], pods: list[tuple[Object, Object]]) -> list[str]:
    """The bot listens on BOT_HTTP_PORT: it must be the container's port named http."""
    problems = []
    for workload, template in pods:
        for container in containers(template):
            setting = container_env(objects, container).get("BOT_HTTP_PORT")
            if setting is None:
                continue
            http = [p for p in container.get("ports") or [] if p.get("name") == "http"]
            if not http or str(http[0]["containerPort"]) != setting:
                problems.append(
                    f"{label(workload)}: container {container['name']}: BOT_HTTP_PORT={setting} "
                    f"but its port named http is {http[0]['containerPort'] if http else 'missing'}"
                )
    return problems


def references(
    objects: list[Object], pods: list[tuple[Object, Object]], secrets: dict[str, dict[str, str]]
) -> list[str]:
    """ConfigMaps, PVCs and ServiceAccounts in the render; Secrets and their keys declared."""
    by_kind: dict[str, dict[str, Object]] = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], {})[obj["metadata"]["name"]] = obj
    problems = []

    def configmap(where: str, name: str, key: str | None, optional: bool) -> None:
        found = by_kind.get("ConfigMap", {}).get(name)
        if found is None:
            if not optional:
                problems.append(f"{where}: ConfigMap {name!r} is not in the manifests")
        elif key is not None and key not in (found.get("data") or {}):
            problems.append(f"{where}: ConfigMap {name!r} has no key {key!r}")

    def secret(where: str, name: str, key: str | None, optional: bool) -> None:
        keys = secrets.get(name)
        if keys is None:
            problems.append(f"{where}: Secret {name!r} is not declared in deploy/k8s/secrets.yaml")
        elif key is not None and key not in keys:
            problems.append(f"{where}: Secret {name!r} has no key {key!r} (it has {sorted(keys)})")
        elif key is not None and keys[key] == "optional" and not optional:
            problems.append(
                f"{where}: key {key!r} of Secret {name!r} is optional; mark the ref optional"
            )

    for workload, template in pods:
        spec = template.get("spec") or {}
        account = spec.get("serviceAccountName")
        if account and account not in by_kind.get("ServiceAccount", {}):
            problems.append(
                f"{label(workload)}: ServiceAccount {account!r} is not in the manifests"
            )
        for volume in spec.get("volumes") or []:
            where = f"{label(workload)}: volume {volume['name']}"
            if "configMap" in volume:
                source = volume["configMap"]
                for item in source.get("items") or [{"key": None}]:
                    configmap(where, source["name"], item["key"], source.get("optional", False))
            if "secret" in volume:
                source = volume["secret"]
                for item in source.get("items") or [{"key": None}]:
                    secret(where, source["secretName"], item["key"], source.get("optional", False))
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and claim not in by_kind.get("PersistentVolumeClaim", {}):
                problems.append(f"{where}: PersistentVolumeClaim {claim!r} is not in the manifests")
        for container in containers(template):
            where = f"{label(workload)}: container {container['name']}"
            for source in container.get("envFrom") or []:
                if "configMapRef" in source:
                    ref = source["configMapRef"]
                    configmap(where, ref["name"], None, ref.get("optional", False))
                if "secretRef" in source:
                    ref = source["secretRef"]
                    secret(where, ref["name"], None, ref.get("optional", False))
            for item in container.get("env") or []:
                value_from = item.get("valueFrom") or {}
                here = f"{where}: env {item['name']}"
                if "configMapKeyRef" in value_from:
                    ref = value_from["configMapKeyRef"]
                    configmap(here, ref["name"], ref["key"], ref.get("optional", False))
                if "secretKeyRef" in value_from:
                    ref = value_from["secretKeyRef"]
                    secret(here, ref["name"], ref["key"], ref.get("optional", False))
    return problems


def polling_runs_alone(objects: list[Object], pods: list[tuple[Object, Object]]) -> list[str]:
    """Without BOT_WEBHOOK_URL the bot long-polls: one poller per token (a second gets
    409 Conflict), so one replica, replaced (Recreate) rather than rolled."""
    problems = []
    for workload, template in pods:
        if workload["kind"] != "Deployment":
            continue
        env = [container_env(objects, c) for c in containers(template)]
        if any("TELEGRAM_BOT_TOKEN" in c or "BOT_HTTP_PORT" in c for c in env) and not any(
            e.get("BOT_WEBHOOK_URL") for e in env
        ):
            spec = workload.get("spec") or {}
            strategy = (spec.get("strategy") or {}).get("type", "RollingUpdate")
            if spec.get("replicas", 1) != 1 or strategy != "Recreate":
                problems.append(
                    f"{label(workload)}: polls Telegram (no BOT_WEBHOOK_URL) with "
                    f"replicas={spec.get('replicas', 1)} and strategy {strategy}: "
                    "a second poller gets 409 Conflict; use replicas 1 and Recreate"
                )
    return problems


def cron_schedules(objects: list[Object]) -> list[str]:
    problems = []
    for job in of_kind(objects, "CronJob"):
        schedule = str((job.get("spec") or {}).get("schedule", ""))
        fields = schedule.split()
        ok = len(fields) == 5 and all(
            CRON_FIELD.match(f)
            and all(lo <= int(n) <= hi for n in re.findall(r"\d+", f.split("/")[0]))
            for f, (lo, hi) in zip(fields, CRON_RANGES, strict=True)
        )
        if not ok:
            problems.append(f"{label(job)}: schedule {schedule!r} is not a 5-field cron schedule")
    return problems


if __name__ == "__main__":
    run(check)
