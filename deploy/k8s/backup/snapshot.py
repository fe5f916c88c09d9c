"""Takes a CSI VolumeSnapshot of the bot's disk, waits until it is ready, keeps the newest N.

Run by the CronJob in this folder, in the bot's own image (standard library only), with
a service account that may only manage VolumeSnapshots in its namespace. SQLite in WAL
mode survives a power cut, so a crash-consistent disk snapshot is a consistent store.

Environment: PVC (the claim), SNAPSHOT_CLASS, KEEP (how many ready snapshots to keep),
NAMESPACE, and optionally READY_TIMEOUT (s). KUBERNETES_API and KUBERNETES_TOKEN_FILE
override the in-cluster API address and token (tests point them at a fake API).
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
GROUP = "/apis/snapshot.storage.k8s.io/v1"
LABEL = "hirebot.dev/snapshot-of"


class Api:
    def __init__(self) -> None:
        host, port = (
            os.environ.get("KUBERNETES_SERVICE_HOST"),
            os.environ.get("KUBERNETES_SERVICE_PORT"),
        )
        self.base = os.environ.get("KUBERNETES_API") or f"https://{host}:{port}"
        token_file = os.environ.get("KUBERNETES_TOKEN_FILE", f"{SERVICE_ACCOUNT}/token")
        self.token = Path(token_file).read_text().strip()
        ca = Path(SERVICE_ACCOUNT, "ca.crt")
        self.tls = ssl.create_default_context(cafile=str(ca)) if ca.exists() else None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30, context=self.tls) as response:
            return json.load(response)


def take(api: Api, namespace: str, pvc: str, snapshot_class: str, timeout: float) -> str:
    """The name of a new snapshot of pvc, once it is ready to use."""
    created = api.call(
        "POST",
        f"{GROUP}/namespaces/{namespace}/volumesnapshots",
        {
            "apiVersion": "snapshot.storage.k8s.io/v1",
            "kind": "VolumeSnapshot",
            "metadata": {"generateName": f"{pvc}-", "labels": {LABEL: pvc}},
            "spec": {
                "volumeSnapshotClassName": snapshot_class,
                "source": {"persistentVolumeClaimName": pvc},
            },
        },
    )
    name = created["metadata"]["name"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = (
            api.call("GET", f"{GROUP}/namespaces/{namespace}/volumesnapshots/{name}").get("status")
            or {}
        )
        if status.get("error"):
            raise SystemExit(f"snapshot {name} failed: {status['error'].get('message')}")
        if status.get("readyToUse"):
            return name
        time.sleep(float(os.environ.get("POLL_SECONDS", "5")))
    raise SystemExit(f"snapshot {name} not ready after {timeout:.0f} s")


def prune(api: Api, namespace: str, pvc: str, keep: int) -> list[str]:
    """Deletes all but the newest `keep` ready snapshots of pvc; returns their names."""
    selector = urllib.parse.quote(f"{LABEL}={pvc}")
    items = api.call(
        "GET", f"{GROUP}/namespaces/{namespace}/volumesnapshots?labelSelector={selector}"
    )["items"]
    ready = [s for s in items if (s.get("status") or {}).get("readyToUse")]
    ready.sort(key=lambda s: s["metadata"]["creationTimestamp"], reverse=True)
    old = [s["metadata"]["name"] for s in ready[keep:]]
    for name in old:
        api.call("DELETE", f"{GROUP}/namespaces/{namespace}/volumesnapshots/{name}")
    return old


def main() -> None:
    namespace, pvc = os.environ["NAMESPACE"], os.environ["PVC"]
    keep = int(os.environ.get("KEEP", "14"))
    if keep < 1:
        sys.exit("KEEP must be at least 1")
    api = Api()
    name = take(
        api,
        namespace,
        pvc,
        os.environ["SNAPSHOT_CLASS"],
        float(os.environ.get("READY_TIMEOUT", "900")),
    )
    print(json.dumps({"severity": "INFO", "message": f"snapshot {name} of {pvc} is ready"}))
    for old in prune(api, namespace, pvc, keep):
        print(
            json.dumps({"severity": "INFO", "message": f"deleted snapshot {old} (keeping {keep})"})
        )


if __name__ == "__main__":
    main()
