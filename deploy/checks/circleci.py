"""The CircleCI job graph, which its JSON schema does not check.

    python -m checks.circleci CONFIG

Every job's executor is defined, every step is a built-in step or a command of the
config (or of an orb it declares), every workflow entry names a job, every `requires`
names an entry of the same workflow, and a job that runs on tags requires only jobs
that run on tags too (else CircleCI never starts it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from checks.objects import run

BUILT_IN_STEPS = {
    "checkout",
    "run",
    "save_cache",
    "restore_cache",
    "store_artifacts",
    "store_test_results",
    "persist_to_workspace",
    "attach_workspace",
    "add_ssh_keys",
    "setup_remote_docker",
    "when",
    "unless",
}
EXECUTOR_KEYS = ("docker", "machine", "macos", "executor")


def check(args: list[str]) -> list[str]:
    config: dict[str, Any] = yaml.safe_load(Path(args[0]).read_text())
    orbs = set(config.get("orbs") or {})
    executors = set(config.get("executors") or {})
    commands = set(config.get("commands") or {})
    jobs: dict[str, Any] = config.get("jobs") or {}
    problems = []

    def from_orb(name: str) -> bool:
        return "/" in name and name.split("/", 1)[0] in orbs

    def steps(where: str, items: list[Any]) -> None:
        for step in items or []:
            name = step if isinstance(step, str) else next(iter(step), "")
            if isinstance(step, dict) and len(step) != 1:
                problems.append(f"{where}: a step has {len(step)} keys: {sorted(step)}")
            if name in ("when", "unless"):
                steps(f"{where}: {name}", (step[name] or {}).get("steps") or [])
            elif name not in BUILT_IN_STEPS and name not in commands and not from_orb(name):
                problems.append(f"{where}: unknown step {name!r}")

    for name, command in (config.get("commands") or {}).items():
        steps(f"command {name}", command.get("steps") or [])
    for name, job in jobs.items():
        found = [k for k in EXECUTOR_KEYS if k in job]
        if len(found) != 1:
            problems.append(f"job {name}: needs exactly one of {EXECUTOR_KEYS}, has {found}")
        executor = job.get("executor")
        executor = executor.get("name") if isinstance(executor, dict) else executor
        if executor is not None and executor not in executors and not from_orb(executor):
            problems.append(f"job {name}: executor {executor!r} is not defined")
        steps(f"job {name}", job.get("steps") or [])

    for flow_name, flow in (config.get("workflows") or {}).items():
        if not isinstance(flow, dict) or "jobs" not in flow:
            continue
        entries: dict[str, dict[str, Any]] = {}
        for entry in flow["jobs"]:
            job, params = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
            params = params or {}
            if params.get("type") != "approval" and job not in jobs and not from_orb(job):
                problems.append(f"workflow {flow_name}: job {job!r} is not defined")
            entries[params.get("name", job)] = params
        for entry_name, params in entries.items():
            on_tags = "tags" in (params.get("filters") or {})
            for required in params.get("requires") or []:
                if required not in entries:
                    problems.append(
                        f"workflow {flow_name}: {entry_name} requires {required!r}, "
                        "which is not in the workflow"
                    )
                elif on_tags and "tags" not in (entries[required].get("filters") or {}):
                    problems.append(
                        f"workflow {flow_name}: {entry_name} runs on tags but requires "
                        f"{required}, which does not: it would never start on a tag"
                    )
            for kind in ("branches", "tags"):
                for key in ("only", "ignore"):
                    for pattern in _patterns(((params.get("filters") or {}).get(kind) or {}), key):
                        try:
                            re.compile(pattern)
                        except re.error as exc:
                            problems.append(f"workflow {flow_name}: {entry_name}: {pattern}: {exc}")
    return problems


def _patterns(filters: dict[str, Any], key: str) -> list[str]:
    value = filters.get(key) or []
    values = value if isinstance(value, list) else [value]
    return [v[1:-1] for v in values if isinstance(v, str) and len(v) > 1 and v[0] == v[-1] == "/"]


if __name__ == "__main__":
    run(check)
