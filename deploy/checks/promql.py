"""Every PromQL expression parses: the alert rules' and the dashboard's.

    python -m checks.promql FILE...

YAML files: the `expr` of every rule in their `Rules` objects. JSON files: Grafana
dashboards, the `expr` of every panel's targets (Grafana's interval variables are
replaced by a duration first).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser

from checks.objects import label, load, of_kind, run

GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def expressions(path: Path) -> Iterator[tuple[str, str]]:
    """(where, expression) for every expression in the file."""
    if path.suffix == ".json":
        dashboard = json.loads(path.read_text())
        for panel in panels(dashboard.get("panels") or []):
            for i, target in enumerate(panel.get("targets") or []):
                if "expr" in target:
                    yield f"panel {panel.get('title')!r} target {i}", target["expr"]
        return
    for rules in of_kind(load(path), "Rules", "ClusterRules", "GlobalRules"):
        for group in rules["spec"]["groups"]:
            for rule in group["rules"]:
                name = rule.get("alert") or rule.get("record")
                yield f"{label(rules)}: {group['name']}/{name}", rule["expr"]


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in items:
        yield panel
        yield from panels(panel.get("panels") or [])


def check(args: list[str]) -> list[str]:
    problems = []
    for path in map(Path, args):
        count = 0
        for where, expr in expressions(path):
            count += 1
            for variable, value in GRAFANA_VARIABLES.items():
                expr = expr.replace(variable, value)
            try:
                promql_parser.parse(expr)
            except ValueError as exc:
                problems.append(f"{path.name}: {where}: {exc}: {' '.join(expr.split())}")
        if count == 0:
            problems.append(f"{path.name}: no PromQL expression found")
    return problems


if __name__ == "__main__":
    run(check)
