"""The release path: CI pins an overlay to the digest it built and pushes the commit;
the pinned overlays render to that image and pass the image checks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.deploy.validating import ROOT, broken_copy, run_validate

PIN = ROOT / "deploy" / "release" / "pin_image.py"
PUSH = ROOT / "deploy" / "release" / "pin-and-push.sh"
REPOSITORY = "europe-west1-docker.pkg.dev/your-gcp-project/hirebot/hirebot"
DIGEST = "sha256:" + "ab12" * 16
OTHER = "sha256:" + "cd34" * 16
GIT = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def run(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **GIT, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rendered_images(kubectl: str, overlay: Path) -> set[str]:
    done = run(kubectl, "kustomize", overlay, cwd=overlay)
    assert done.returncode == 0, done.stderr
    images = set()
    for obj in yaml.safe_load_all(done.stdout):
        spec = (obj or {}).get("spec") or {}
        template = spec.get("template") or ((spec.get("jobTemplate") or {}).get("spec") or {}).get(
            "template"
        )
        for container in ((template or {}).get("spec") or {}).get("containers") or []:
            images.add(container["image"])
    return images


@pytest.fixture
def deploy_copy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "deploy", root / "deploy", ignore=shutil.ignore_patterns(".tools"))
    shutil.copytree(ROOT / ".circleci", root / ".circleci")
    return root


def test_pinning_production_names_the_release_tag_and_digest(deploy_copy: Path, kubectl: str):
    overlay = deploy_copy / "deploy/k8s/overlays/production"
    before = (overlay / "kustomization.yaml").read_text()
    done = run(sys.executable, PIN, overlay, "--digest", DIGEST, "--tag", "v1.4.2", cwd=deploy_copy)
    assert done.returncode == 0, done.stderr
    # The bot and the snapshot job both run exactly that image.
    assert rendered_images(kubectl, overlay) == {f"{REPOSITORY}:v1.4.2@{DIGEST}"}
    after = (overlay / "kustomization.yaml").read_text()
    # Only the two lines changed; the comments stay.
    changed = set(before.splitlines()) ^ set(after.splitlines())
    assert changed == {
        "    newTag: v0.1.0",
        f"    digest: sha256:{'0' * 64}",
        "    newTag: v1.4.2",
        f"    digest: {DIGEST}",
    }
    # Pinning again is idempotent.
    run(sys.executable, PIN, overlay, "--digest", DIGEST, "--tag", "v1.4.2", cwd=deploy_copy)
    assert (overlay / "kustomization.yaml").read_text() == after


def test_pinning_staging_names_the_digest_alone(deploy_copy: Path, kubectl: str):
    overlay = deploy_copy / "deploy/k8s/overlays/staging"
    done = run(sys.executable, PIN, overlay, "--digest", DIGEST, cwd=deploy_copy)
    assert done.returncode == 0, done.stderr
    assert rendered_images(kubectl, overlay) == {f"{REPOSITORY}@{DIGEST}"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--digest", "sha256:abc"], "is not sha256:<64 hex digits>"),
        (["--digest", DIGEST, "--tag", "latest"], "is not a release tag vX.Y.Z"),
        (["--digest", DIGEST, "--tag", "1.4.2"], "is not a release tag vX.Y.Z"),
    ],
)
def test_pinning_refuses_what_the_pipeline_never_produces(
    deploy_copy: Path, args: list[str], message: str
):
    overlay = deploy_copy / "deploy/k8s/overlays/production"
    before = (overlay / "kustomization.yaml").read_text()
    done = run(sys.executable, PIN, overlay, *args, cwd=deploy_copy)
    assert done.returncode != 0 and message in done.stderr
    assert (overlay / "kustomization.yaml").read_text() == before


def test_the_pinned_overlays_pass_validation(tmp_path: Path):
    """What CI writes is what validation accepts: a digest for staging, a release tag with
    its digest for production."""
    root = broken_copy(tmp_path)
    overlays = root / "deploy/k8s/overlays"
    pin = [sys.executable, PIN]
    run(*pin, overlays / "production", "--digest", DIGEST, "--tag", "v2.0.0", cwd=root)
    run(*pin, overlays / "staging", "--digest", OTHER, cwd=root)
    done = run_validate(root, tmp_path / "rendered")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    images: immutable, built by CI" in done.stdout
    production = (tmp_path / "rendered" / "production.yaml").read_text()
    assert f"image: {REPOSITORY}:v2.0.0@{DIGEST}" in production


def git_repo(tmp_path: Path, deploy_copy: Path) -> tuple[Path, Path]:
    """A bare 'origin' holding the copy on main, and a CI checkout of it."""
    origin = tmp_path / "origin.git"
    run("git", "init", "--quiet", "--bare", "--initial-branch=main", origin, cwd=tmp_path)
    run("git", "init", "--quiet", "--initial-branch=main", cwd=deploy_copy)
    run("git", "add", "-A", cwd=deploy_copy)
    run("git", "commit", "--quiet", "-m", "start", cwd=deploy_copy)
    run("git", "remote", "add", "origin", origin, cwd=deploy_copy)
    assert run("git", "push", "--quiet", "origin", "main", cwd=deploy_copy).returncode == 0
    ci = tmp_path / "ci"
    assert run("git", "clone", "--quiet", origin, ci, cwd=tmp_path).returncode == 0
    return origin, ci


def test_ci_commits_the_pin_and_pushes_it_even_after_losing_a_race(
    tmp_path: Path, deploy_copy: Path
):
    origin, ci = git_repo(tmp_path, deploy_copy)
    # Someone merges to main while CI builds: CI's first push is refused, it rebases.
    hook = ci / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        "[ -e ../raced ] && exit 0\n"
        "touch ../raced\n"
        f"cd {deploy_copy} && echo more >> deploy/README.md && git commit -qam 'docs' "
        "&& git push -q origin main\n"
    )
    hook.chmod(0o755)
    done = run(PUSH, "deploy/k8s/overlays/staging", DIGEST, cwd=ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rebasing" in done.stdout

    log = run("git", "log", "--format=%s", "main", cwd=origin).stdout.splitlines()
    assert log == [f"staging: main at {DIGEST} [skip ci]", "docs", "start"]
    pinned = run("git", "show", "main:deploy/k8s/overlays/staging/kustomization.yaml", cwd=origin)
    assert f"    digest: {DIGEST}\n" in pinned.stdout
    # Run again with the same digest: nothing to commit, nothing pushed.
    again = run(PUSH, "deploy/k8s/overlays/staging", DIGEST, cwd=ci)
    assert again.returncode == 0 and "already names" in again.stdout
    assert len(run("git", "log", "--format=%s", "main", cwd=origin).stdout.splitlines()) == 3


def test_a_release_pin_names_the_tag(tmp_path: Path, deploy_copy: Path):
    origin, ci = git_repo(tmp_path, deploy_copy)
    done = run(PUSH, "deploy/k8s/overlays/production", DIGEST, "v1.0.0", cwd=ci)
    assert done.returncode == 0, done.stderr
    subject = run("git", "log", "-1", "--format=%s", "main", cwd=origin).stdout.strip()
    assert subject == f"production: v1.0.0 at {DIGEST} [skip ci]"
