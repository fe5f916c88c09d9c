"""Point an overlay at one image build: its digest, and a release tag if there is one.

    python3 deploy/release/pin_image.py OVERLAY --digest sha256:... [--tag vX.Y.Z]

Edits the `images:` entry of OVERLAY/kustomization.yaml in place, keeping its comments
(CircleCI runs it with the standard library only). Without --tag, the entry has no
newTag: the digest alone names the image.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
RELEASE_TAG = re.compile(r"^v\d+\.\d+\.\d+$")


def pin(text: str, digest: str, tag: str | None) -> str:
    """The kustomization with its one images entry set to digest (and tag)."""
    lines = text.splitlines(keepends=True)
    try:
        start = lines.index("images:\n")
    except ValueError:
        raise SystemExit("no top-level `images:` block") from None
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i][0].isspace()),
        len(lines),
    )
    block = [line for line in lines[start + 1 : end] if not re.match(r"\s+(newTag|digest):", line)]
    names = [i for i, line in enumerate(block) if re.match(r"\s+newName:", line)]
    if len(names) != 1 or sum(line.lstrip().startswith("- name:") for line in block) != 1:
        raise SystemExit("the images block must have exactly one entry, with a newName")
    indent = re.match(r"\s*", block[names[0]]).group()  # type: ignore[union-attr]
    pinned = [f"{indent}newTag: {tag}\n"] if tag else []
    pinned.append(f"{indent}digest: {digest}\n")
    block[names[0] + 1 : names[0] + 1] = pinned
    return "".join([*lines[: start + 1], *block, *lines[end:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overlay", type=Path)
    parser.add_argument("--digest", required=True)
    parser.add_argument("--tag")
    args = parser.parse_args()
    if not DIGEST.match(args.digest):
        sys.exit(f"--digest {args.digest!r} is not sha256:<64 hex digits>")
    if args.tag is not None and not RELEASE_TAG.match(args.tag):
        sys.exit(f"--tag {args.tag!r} is not a release tag vX.Y.Z")
    path = args.overlay / "kustomization.yaml"
    path.write_text(pin(path.read_text(), args.digest, args.tag))
    print(f"{path}: {args.tag + '@' if args.tag else ''}{args.digest}")


if __name__ == "__main__":
    main()
