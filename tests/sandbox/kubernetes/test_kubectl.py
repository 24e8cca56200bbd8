"""The real kubectl binary against the sandbox: apply, rollout, scale, patch, delete, logs, wait."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import yaml

from sandbox.kubernetes import SandboxCluster

pytestmark = pytest.mark.kubectl

KUBECTL = shutil.which("kubectl")
if KUBECTL is None:
    print("kubectl not found on PATH: skipping the kubectl tests")  # noqa: T201
    pytestmark = [pytest.mark.kubectl, pytest.mark.skip(reason="kubectl binary not installed")]

_namespaces = count()


class Kubectl:
    def __init__(self, kubeconfig: Path, cache: Path, namespace: str) -> None:
        self.kubeconfig = kubeconfig
        self.cache = cache
        self.namespace = namespace

    def __call__(
        self, *args: str, stdin: str | None = None, check: bool = True, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        command = [
            str(KUBECTL),
            f"--kubeconfig={self.kubeconfig}",
            f"--cache-dir={self.cache}",
            "-n",
            self.namespace,
            "--request-timeout=20s",
            *args,
        ]
        done = subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed: {done.stderr}")
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self("get", *args, "-o", "json").stdout)


@pytest.fixture(scope="module")
def k8s(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SandboxCluster, Path]]:
    base = tmp_path_factory.mktemp("kubectl")
    with SandboxCluster(pod_ready_seconds=0.05, tick_interval=0.01) as running:
        path = base / "kubeconfig"
        path.write_text(running.kubeconfig())
        yield running, base
        assert not running.errors, running.errors


@pytest.fixture
def kubectl(k8s: tuple[SandboxCluster, Path]) -> Kubectl:
    cluster, base = k8s
    namespace = f"t{next(_namespaces)}"
    tool = Kubectl(base / "kubeconfig", base / "cache", "default")
    tool("create", "namespace", namespace)
    tool.namespace = namespace
    return tool


def manifest(
    name: str,
    image: str = "nginx:1.25",
    replicas: int = 2,
    env: tuple[str, ...] = ("A", "B"),
    **extra: Any,
) -> str:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}, **extra.pop("metadata", {})},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": image,
                            "ports": [{"containerPort": 80}],
                            "env": [{"name": e, "value": str(i + 1)} for i, e in enumerate(env)],
                        }
                    ]
                },
            },
            **extra,
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80}]},
    }
    return yaml.safe_dump_all([deployment, service])


def test_create_namespace(kubectl: Kubectl) -> None:
    assert kubectl("create", "namespace", "made-by-kubectl").stdout.strip() == (
        "namespace/made-by-kubectl created"
    )
    assert kubectl.json("namespace", "made-by-kubectl")["status"]["phase"] == "Active"


def test_client_side_apply_reapply_and_get(kubectl: Kubectl) -> None:
    out = kubectl("apply", "-f", "-", stdin=manifest("web")).stdout
    assert "deployment.apps/web created" in out
    assert "service/web created" in out
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    changed = manifest("web", image="nginx:1.26", env=("A",))
    assert "deployment.apps/web configured" in kubectl("apply", "-f", "-", stdin=changed).stdout
    assert "unchanged" in kubectl("apply", "-f", "-", stdin=changed).stdout
    kubectl("rollout", "status", "deployment/web", "--timeout=20s")
    deployment = kubectl.json("deployment", "web")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.26"
    assert container["env"] == [{"name": "A", "value": "1"}]  # removed by the three-way merge
    assert (
        "kubectl.kubernetes.io/last-applied-configuration" in deployment["metadata"]["annotations"]
    )
    listed = kubectl.json("deployments", "-l", "app=web")
    assert [i["metadata"]["name"] for i in listed["items"]] == ["web"]
    assert kubectl.json("pods", "-l", "app=web")["items"]
    assert kubectl.json("deployments", "-l", "app=other")["items"] == []


def test_server_side_apply(kubectl: Kubectl) -> None:
    out = kubectl("apply", "--server-side", "-f", "-", stdin=manifest("ssa")).stdout
    assert "deployment.apps/ssa serverside-applied" in out
    changed = manifest("ssa", image="nginx:1.27", env=("A",))
    kubectl("apply", "--server-side", "-f", "-", stdin=changed)
    container = kubectl.json("deployment", "ssa")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.27"
    assert container["env"] == [{"name": "A", "value": "1"}]
    kubectl("scale", "deployment/ssa", "--replicas=1")
    conflict = kubectl("apply", "--server-side", "-f", "-", stdin=changed, check=False)
    assert conflict.returncode != 0
    assert "conflict" in conflict.stderr
    kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=changed)
    assert kubectl.json("deployment", "ssa")["spec"]["replicas"] == 2


def test_rollout_history_undo_and_to_revision(kubectl: Kubectl) -> None:
    for image in ("nginx:1", "nginx:2", "nginx:3"):
        kubectl("apply", "-f", "-", stdin=manifest("r", image=image))
        kubectl("rollout", "status", "deployment/r", "--timeout=20s")
    history = kubectl("rollout", "history", "deployment/r").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2", "3"]

    def image() -> str:
        return kubectl.json("deployment", "r")["spec"]["template"]["spec"]["containers"][0]["image"]

    assert "rolled back" in kubectl("rollout", "undo", "deployment/r").stdout
    kubectl("rollout", "status", "deployment/r", "--timeout=20s")
    assert image() == "nginx:2"
    kubectl("rollout", "undo", "deployment/r", "--to-revision=1")
    kubectl("rollout", "status", "deployment/r", "--timeout=20s")
    assert image() == "nginx:1"
    revisions = {
        rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs["metadata"]["annotations"][
            "deployment.kubernetes.io/revision"
        ]
        for rs in kubectl.json("replicasets", "-l", "app=r")["items"]
    }
    assert revisions == {"nginx:1": "5", "nginx:2": "4", "nginx:3": "3"}


def test_scale_patch_and_wait(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", stdin=manifest("s", replicas=1))
    assert "scaled" in kubectl("scale", "deployment/s", "--replicas=3").stdout
    kubectl("wait", "--for=condition=Available", "deployment/s", "--timeout=20s")
    kubectl("rollout", "status", "deployment/s", "--timeout=20s")
    assert kubectl.json("deployment", "s")["status"]["readyReplicas"] == 3

    kubectl(
        "patch",
        "deployment",
        "s",
        "--type",
        "strategic",
        "-p",
        json.dumps(
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "web", "env": [{"name": "C", "value": "3"}]}]
                        }
                    }
                }
            }
        ),
    )
    kubectl(
        "patch",
        "deployment",
        "s",
        "--type",
        "merge",
        "-p",
        json.dumps({"metadata": {"labels": {"tier": "front"}}}),
    )
    kubectl(
        "patch",
        "deployment",
        "s",
        "--type",
        "json",
        "-p",
        json.dumps([{"op": "replace", "path": "/spec/replicas", "value": 2}]),
    )
    deployment = kubectl.json("deployment", "s")
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["name"] for e in env] == ["A", "B", "C"]
    assert deployment["metadata"]["labels"]["tier"] == "front"
    assert deployment["spec"]["replicas"] == 2


def test_delete_with_foreground_cascade(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", stdin=manifest("gone"))
    kubectl("rollout", "status", "deployment/gone", "--timeout=20s")
    out = kubectl("delete", "deployment", "gone", "--cascade=foreground", "--timeout=20s").stdout
    assert 'deployment.apps "gone" deleted' in out
    assert kubectl.json("replicasets", "-l", "app=gone")["items"] == []
    assert kubectl.json("pods", "-l", "app=gone")["items"] == []
    kubectl("delete", "service", "gone")
    missing = kubectl("get", "service", "gone", check=False)
    assert missing.returncode != 0
    assert "NotFound" in missing.stderr


def test_job_logs(kubectl: Kubectl) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "hello"},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {
                            "name": "main",
                            "image": "busybox",
                            "command": [
                                "sh",
                                "-c",
                                "echo hello from the job\necho SPINNAKER_PROPERTY_X=1",
                            ],
                        }
                    ],
                }
            },
        },
    }
    kubectl("apply", "-f", "-", stdin=yaml.safe_dump(job))
    kubectl("wait", "--for=condition=Complete", "job/hello", "--timeout=20s")
    assert kubectl("logs", "job/hello").stdout == "hello from the job\nSPINNAKER_PROPERTY_X=1\n"
    assert kubectl("logs", "job/hello", "--tail=1").stdout == "SPINNAKER_PROPERTY_X=1\n"
