"""The alerts and the dashboard read metrics the bot really exports, and the on-call
series each have an alert."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.metrics_core import Metric

from bot.ops.metrics import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "deploy" / "monitoring" / "dashboard.json"
ALERT_FILES = [ROOT / "deploy/k8s/base/alerts.yaml", ROOT / "deploy/k8s/backup/alerts.yaml"]
METRIC = re.compile(r"\b((?:hirebot|process|python|kube)_[a-z0-9_]+)\b")
# Series from elsewhere: the scrape itself, and kube-state-metrics for the snapshot CronJob.
EXTERNAL = {"kube_cronjob_status_last_successful_time"}
SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
    "info": ("_info",),
}


def exported() -> set[str]:
    """The series names /metrics serves (a labelled family is known before it has samples)."""
    families: list[Metric] = list(REGISTRY.collect())
    return {f.name + s for f in families for s in SUFFIXES.get(f.type, ("",))}


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def alerts() -> dict[str, str]:
    found = {}
    for path in ALERT_FILES:
        rules = yaml.safe_load(path.read_text())
        for group in rules["spec"]["groups"]:
            found.update({r["alert"]: r["expr"] for r in group["rules"]})
    return found


def test_the_dashboard_and_alerts_name_only_exported_series():
    names = exported()
    assert "process_resident_memory_bytes" in names and "hirebot_updates_total" in names
    used = {m for expr in [*dashboard_exprs(), *alerts().values()] for m in METRIC.findall(expr)}
    assert used - EXTERNAL <= names, sorted(used - EXTERNAL - names)


def test_every_bot_metric_is_on_the_dashboard():
    on_dashboard = {m for expr in dashboard_exprs() for m in METRIC.findall(expr)}
    families = {f.name for f in REGISTRY.collect() if f.name.startswith("hirebot_")} - {
        "hirebot_build"
    }
    missing = {family for family in families if not any(m.startswith(family) for m in on_dashboard)}
    assert not missing, sorted(missing)


def test_each_on_call_series_has_an_alert():
    exprs = alerts()
    for series in (
        "process_resident_memory_bytes",
        "process_cpu_seconds_total",
        "python_gc_objects_uncollectable_total",
        "hirebot_last_update_received_timestamp_seconds",
        "hirebot_send_latency_seconds_bucket",
        "kube_cronjob_status_last_successful_time",
    ):
        assert any(series in expr for expr in exprs.values()), series


def test_the_memory_alert_matches_the_container_limit():
    deployment = yaml.safe_load((ROOT / "deploy/k8s/base/deployment.yaml").read_text())
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["resources"]["limits"]["memory"] == "512Mi"
    assert "512 * 1024 * 1024" in alerts()["HirebotMemoryNearLimit"]


def test_the_metrics_table_in_the_deploy_readme_lists_every_bot_metric():
    readme = (ROOT / "deploy" / "README.md").read_text()
    for family in REGISTRY.collect():
        if family.name.startswith("hirebot_"):
            shown = family.name + {"counter": "_total", "info": "_info"}.get(family.type, "")
            assert f"| `{shown}" in readme, shown
