"""Custom resources against the strict schemas in deploy/schemas/.

    python -m checks.custom_resources SCHEMAS FILE...

Every object whose apiVersion and kind have a schema file is validated; the others
are left to kubernetes-validate (which fails on a kind it does not know).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from checks.objects import Object, label, load, run


def schema_name(obj: Object) -> str:
    return f"{str(obj.get('apiVersion')).replace('/', '_')}_{obj.get('kind')}.yaml"


def load_schemas(folder: Path) -> dict[str, Draft202012Validator]:
    meta = yaml.safe_load((folder / "objectmeta.yaml").read_text())
    validators = {}
    for path in sorted(folder.glob("*_*.yaml")):
        schema: dict[str, Any] = yaml.safe_load(path.read_text())
        schema.setdefault("$defs", {})["ObjectMeta"] = meta
        Draft202012Validator.check_schema(schema)
        validators[path.name] = Draft202012Validator(schema)
    return validators


def has_schema(folder: Path, obj: Object) -> bool:
    return (folder / schema_name(obj)).is_file()


def check(args: list[str]) -> list[str]:
    folder, files = Path(args[0]), [Path(a) for a in args[1:]]
    validators = load_schemas(folder)
    problems = []
    for path in files:
        for obj in load(path):
            validator = validators.get(schema_name(obj))
            if validator is None:
                continue
            for error in sorted(validator.iter_errors(obj), key=lambda e: list(e.path)):
                where = ".".join(str(p) for p in error.absolute_path) or "(top)"
                problems.append(f"{path}: {label(obj)}: {where}: {error.message}")
    return problems


if __name__ == "__main__":
    run(check)
