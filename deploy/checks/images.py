"""Image references: well formed, immutable, and ones the pipeline produces.

    python -m checks.images CIRCLECI DOCKERFILE RENDERED...

Every container image in the rendered overlays is a valid reference with a digest,
in the repository CircleCI pushes to, and any tag it carries is one that CircleCI's
build pushes (its git sha, or a release tag that its tag filter admits). The
Dockerfile's base images are pinned by digest and its pip installs need hashes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from checks.objects import containers, label, load, pod_templates, run

# The distribution reference grammar (github.com/distribution/reference).
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?"
DOMAIN = rf"{LABEL}(?:\.{LABEL})*(?::\d+)?"
REFERENCE = re.compile(
    rf"^(?P<repository>(?:{DOMAIN}/)?{COMPONENT}(?:/{COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)
SHA_TAG = r"[0-9a-f]{40}"


def pipeline(config: dict[str, Any]) -> tuple[str | None, list[str]]:
    """The repository CircleCI pushes to, and the tags it pushes (as regular expressions)."""
    repository = None
    for executor in (config.get("executors") or {}).values():
        repository = (executor.get("environment") or {}).get("IMAGE_REPOSITORY", repository)
    release_tags = [
        tags["only"][1:-1]
        for flow in (config.get("workflows") or {}).values()
        if isinstance(flow, dict)
        for entry in flow.get("jobs") or []
        if isinstance(entry, dict)
        for name, params in entry.items()
        if name == "build-image" and (tags := ((params or {}).get("filters") or {}).get("tags"))
    ]
    produced = []
    for job in (config.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            command = step.get("run", {}).get("command", "") if isinstance(step, dict) else ""
            for tag in re.findall(r'--tag "\$IMAGE_REPOSITORY:([^"]+)"', str(command)):
                if tag in ("$CIRCLE_SHA1", "${CIRCLE_SHA1}"):
                    produced.append(SHA_TAG)
                elif tag in ("$CIRCLE_TAG", "${CIRCLE_TAG}"):
                    produced += [p.lstrip("^").rstrip("$") for p in release_tags]
                else:
                    produced.append(re.escape(tag))
    return repository, produced


def check_images(
    objects: list[dict[str, Any]], repository: str | None, tags: list[str]
) -> list[str]:
    problems = []
    for workload, template in pod_templates(objects):
        for container in containers(template):
            image = str(container.get("image", ""))
            where = f"{label(workload)}: container {container.get('name')}: image {image!r}"
            match = REFERENCE.match(image)
            if not match:
                problems.append(f"{where} is not a valid image reference")
                continue
            tag, digest = match["tag"], match["digest"]
            if tag == "latest":
                problems.append(f"{where}: 'latest' names whatever was pushed last")
            if digest is None:
                problems.append(f"{where} has no digest: a tag can be moved, a digest cannot")
            if repository and match["repository"] != repository:
                problems.append(f"{where} is not in the repository CI pushes to ({repository})")
            elif tag and not any(re.fullmatch(t, tag) for t in tags):
                problems.append(
                    f"{where}: CI never pushes tag {tag!r} (it pushes: {', '.join(tags) or 'none'})"
                )
    return problems


def check_dockerfile(path: Path) -> list[str]:
    text = path.read_text()
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.M))
    problems = []
    for base in re.findall(r"^FROM\s+(\S+)", text, re.M):
        resolved = re.sub(r"\$\{?(\w+)\}?", lambda m: defaults.get(m[1], m[0]), base)
        stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, re.M | re.I)
        if resolved not in stages and "@sha256:" not in resolved:
            problems.append(f"{path.name}: base image {resolved!r} is not pinned by digest")
    for line in re.findall(r"pip install[^\n]*(?:\\\n[^\n]*)*", text):
        if " -r " in line and "--require-hashes" not in line:
            problems.append(
                f"{path.name}: {' '.join(line.split())!r} installs without --require-hashes"
            )
    return problems


def check(args: list[str]) -> list[str]:
    config = yaml.safe_load(Path(args[0]).read_text())
    repository, tags = pipeline(config)
    if repository is None:
        return [f"{args[0]}: no executor sets IMAGE_REPOSITORY"]
    problems = check_dockerfile(Path(args[1]))
    for path in map(Path, args[2:]):
        problems += [f"{path.name}: {p}" for p in check_images(load(path), repository, tags)]
    return problems


if __name__ == "__main__":
    run(check)
