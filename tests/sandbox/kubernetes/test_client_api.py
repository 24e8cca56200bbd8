"""The official Python client against the sandbox: CRUD, selectors, watch, patches, errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from sandbox.kubernetes import SandboxCluster
from tests.sandbox.kubernetes.conftest import api_client_for, deployment_manifest, wait_for


def status_of(error: pytest.ExceptionInfo[ApiException]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(error.value.body)
    return body


POD_SPEC = {"containers": [{"name": "main", "image": "nginx:1.25"}]}
SELECTOR_TEMPLATE = {
    "selector": {"matchLabels": {"app": "x"}},
    "template": {"metadata": {"labels": {"app": "x"}}, "spec": POD_SPEC},
}

KINDS: list[tuple[str, str, dict[str, Any], str]] = [
    # (api class, method suffix, body, field to change on replace)
    (
        "CoreV1Api",
        "config_map",
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": "v"}},
        "data",
    ),
    (
        "CoreV1Api",
        "secret",
        {"apiVersion": "v1", "kind": "Secret", "stringData": {"k": "v"}},
        "data",
    ),
    (
        "CoreV1Api",
        "service",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]},
        },
        "spec",
    ),
    ("CoreV1Api", "pod", {"apiVersion": "v1", "kind": "Pod", "spec": POD_SPEC}, "spec"),
    (
        "AppsV1Api",
        "deployment",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "spec": {"replicas": 1, **SELECTOR_TEMPLATE},
        },
        "spec",
    ),
    (
        "AppsV1Api",
        "replica_set",
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "spec": {"replicas": 1, **SELECTOR_TEMPLATE},
        },
        "spec",
    ),
    (
        "AppsV1Api",
        "stateful_set",
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "spec": {"replicas": 1, "serviceName": "x", **SELECTOR_TEMPLATE},
        },
        "spec",
    ),
    (
        "AppsV1Api",
        "daemon_set",
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "spec": SELECTOR_TEMPLATE},
        "spec",
    ),
    (
        "BatchV1Api",
        "job",
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "spec": {"template": {"spec": {**POD_SPEC, "restartPolicy": "Never"}}},
        },
        "metadata",
    ),
    (
        "NetworkingV1Api",
        "ingress",
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "spec": {
                "rules": [
                    {
                        "host": "x.example",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "x", "port": {"number": 80}}},
                                }
                            ]
                        },
                    }
                ]
            },
        },
        "spec",
    ),
]


@pytest.mark.parametrize(("api_name", "suffix", "body", "field"), KINDS, ids=[k[1] for k in KINDS])
def test_crud_roundtrip_for_every_kind(
    api: client.ApiClient, api_name: str, suffix: str, body: dict[str, Any], field: str
) -> None:
    endpoint = getattr(client, api_name)(api)
    manifest = {**body, "metadata": {"name": "obj", "labels": {"team": "a"}}}
    created = getattr(endpoint, f"create_namespaced_{suffix}")("default", manifest)
    meta = created.metadata
    assert meta.uid
    assert meta.resource_version
    assert meta.creation_timestamp
    read = getattr(endpoint, f"read_namespaced_{suffix}")("obj", "default")
    assert read.metadata.uid == meta.uid

    for _attempt in range(20):  # controllers write status concurrently: read-modify-write loop
        raw = api.sanitize_for_serialization(read)
        raw["metadata"]["labels"]["team"] = "b"
        if suffix == "config_map":
            raw["data"]["k"] = "w"
        try:
            replaced = getattr(endpoint, f"replace_namespaced_{suffix}")("obj", "default", raw)
            break
        except ApiException as exc:
            if exc.status != 409:
                raise
            read = getattr(endpoint, f"read_namespaced_{suffix}")("obj", "default")
    assert replaced.metadata.labels["team"] == "b"
    assert int(replaced.metadata.resource_version) > int(meta.resource_version)

    listed = getattr(endpoint, f"list_namespaced_{suffix}")("default", label_selector="team=b")
    assert [i.metadata.name for i in listed.items] == ["obj"]
    getattr(endpoint, f"delete_namespaced_{suffix}")(
        "obj", "default", grace_period_seconds=0, propagation_policy="Background"
    )
    with pytest.raises(ApiException) as missing:
        wait_for(
            lambda: not getattr(endpoint, f"read_namespaced_{suffix}")("obj", "default"), timeout=5
        )
    assert missing.value.status == 404


def test_namespaces_and_events_are_cluster_and_read_only_resources(
    api: client.ApiClient, cluster: SandboxCluster
) -> None:
    core = client.CoreV1Api(api)
    core.create_namespace({"metadata": {"name": "team-a"}})
    assert "team-a" in [n.metadata.name for n in core.list_namespace().items]
    assert core.read_namespace("team-a").status.phase == "Active"
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_event("default", {"metadata": {"name": "e"}, "involvedObject": {}})
    assert refused.value.status == 405


def test_objects_need_an_existing_namespace(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    with pytest.raises(ApiException) as missing:
        core.create_namespaced_config_map("nowhere", {"metadata": {"name": "c"}})
    assert missing.value.status == 404
    assert status_of(missing)["message"] == 'namespaces "nowhere" not found'


def test_the_demo_cluster_creates_a_missing_namespace_on_first_use(tmp_path: Path) -> None:
    with SandboxCluster(create_namespaces=True) as demo, api_client_for(demo, tmp_path) as api:
        core = client.CoreV1Api(api)
        core.create_namespaced_config_map("preview", {"metadata": {"name": "c"}}, dry_run="All")
        assert "preview" not in [n.metadata.name for n in core.list_namespace().items]
        core.create_namespaced_config_map("staging", {"metadata": {"name": "c"}})
        assert core.read_namespace("staging").status.phase == "Active"
        assert core.read_namespaced_config_map("c", "staging").metadata.namespace == "staging"
        with pytest.raises(ApiException) as invalid:
            core.create_namespaced_config_map("Not_A_Name", {"metadata": {"name": "c"}})
        assert invalid.value.status == 422  # the name a namespace would need is checked


def test_label_and_field_selectors(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    for name, labels in [
        ("a", {"tier": "web", "env": "prod"}),
        ("b", {"tier": "db", "env": "prod"}),
        ("c", {"tier": "web", "env": "dev", "legacy": "yes"}),
    ]:
        core.create_namespaced_config_map("default", {"metadata": {"name": name, "labels": labels}})

    def names(**kwargs: Any) -> list[str]:
        return [c.metadata.name for c in core.list_namespaced_config_map("default", **kwargs).items]

    assert names(label_selector="tier=web") == ["a", "c"]
    assert names(label_selector="tier!=web") == ["b"]
    assert names(label_selector="env in (prod, staging),tier notin (db)") == ["a"]
    assert names(label_selector="!legacy,tier") == ["a", "b"]
    assert names(label_selector="legacy") == ["c"]
    assert names(field_selector="metadata.name=b") == ["b"]
    assert names(field_selector="metadata.name!=b,metadata.namespace=default") == ["a", "c"]
    everywhere = core.list_config_map_for_all_namespaces(label_selector="tier=web")
    assert len(everywhere.items) == 2
    with pytest.raises(ApiException) as bad:
        names(label_selector="tier in (web")
    assert bad.value.status == 400


def test_pod_phase_field_selector_and_paging(
    api: client.ApiClient, cluster: SandboxCluster
) -> None:
    core = client.CoreV1Api(api)
    for i in range(3):
        core.create_namespaced_pod("default", {"metadata": {"name": f"p{i}"}, "spec": POD_SPEC})
    wait_for(
        lambda: (
            len(core.list_namespaced_pod("default", field_selector="status.phase=Running").items)
            == 3
        )
    )
    first = core.list_namespaced_pod("default", limit=2)
    assert len(first.items) == 2
    assert first.metadata._continue
    rest = core.list_namespaced_pod("default", limit=2, _continue=first.metadata._continue)
    assert [p.metadata.name for p in rest.items] == ["p2"]


def test_watch_streams_added_modified_deleted(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    start_rv = core.list_namespaced_config_map("default").metadata.resource_version
    seen: list[tuple[str, str]] = []

    def consume() -> None:
        stream = watch.Watch().stream(
            core.list_namespaced_config_map,
            "default",
            resource_version=start_rv,
            label_selector="watched=yes",
            timeout_seconds=5,
        )
        for event in stream:
            seen.append((event["type"], event["object"].metadata.name))
            if event["type"] == "DELETED":
                break

    reader = threading.Thread(target=consume)
    reader.start()
    core.create_namespaced_config_map("default", {"metadata": {"name": "ignored"}})
    core.create_namespaced_config_map(
        "default", {"metadata": {"name": "w", "labels": {"watched": "yes"}}}
    )
    core.patch_namespaced_config_map("w", "default", {"data": {"a": "1"}})
    core.delete_namespaced_config_map("w", "default")
    reader.join(timeout=10)
    assert seen == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def test_watch_without_resource_version_replays_current_state_and_times_out(
    api: client.ApiClient,
) -> None:
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "existing"}})
    events = list(
        watch.Watch().stream(core.list_namespaced_config_map, "default", timeout_seconds=1)
    )
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "existing")]


def test_the_three_patch_types(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    manifest = deployment_manifest("p", replicas=1)
    manifest["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "2"},
    ]
    apps.create_namespaced_deployment("default", manifest)
    strategic = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "env": [{"name": "C", "value": "3"}, {"name": "A", "$patch": "delete"}],
                        }
                    ]
                }
            }
        }
    }
    result = apps.patch_namespaced_deployment("p", "default", strategic)
    container = result.spec.template.spec.containers[0]
    assert [(e.name, e.value) for e in container.env] == [("B", "2"), ("C", "3")]
    assert container.image == "nginx:1.25"  # merged by name, not replaced

    merged = apps.patch_namespaced_deployment(
        "p",
        "default",
        {"metadata": {"labels": {"extra": "1"}}, "spec": {"replicas": 3}},
        _content_type="application/merge-patch+json",
    )
    assert merged.metadata.labels == {"app": "p", "extra": "1"}
    assert merged.spec.replicas == 3

    replaced = apps.patch_namespaced_deployment(
        "p",
        "default",
        [
            {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:2"},
            {"op": "remove", "path": "/metadata/labels/extra"},
        ],
    )
    assert replaced.spec.template.spec.containers[0].image == "nginx:2"
    assert replaced.metadata.generation == 4
    with pytest.raises(ApiException) as failed:
        apps.patch_namespaced_deployment(
            "p", "default", [{"op": "test", "path": "/spec/replicas", "value": 99}]
        )
    assert failed.value.status == 422


def test_server_side_apply_owns_fields_and_reports_conflicts(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    config = deployment_manifest("ssa", replicas=2)
    config["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1"}]

    def apply(body: dict[str, Any], manager: str, force: bool = False) -> Any:
        return apps.patch_namespaced_deployment(
            "ssa",
            "default",
            body,
            field_manager=manager,
            force=force,
            _content_type="application/apply-patch+yaml",
        )

    created = apply(config, "pipeline")
    assert created.spec.replicas == 2
    assert [(m.manager, m.operation) for m in created.metadata.managed_fields] == [
        ("pipeline", "Apply")
    ]
    apps.patch_namespaced_deployment_scale(
        "ssa", "default", {"spec": {"replicas": 5}}, field_manager="autoscaler"
    )
    with pytest.raises(ApiException) as conflict:
        apply(config, "pipeline")
    assert conflict.value.status == 409
    assert 'conflict with "autoscaler"' in status_of(conflict)["message"]
    assert status_of(conflict)["details"]["causes"][0]["field"] == ".spec.replicas"
    forced = apply(config, "pipeline", force=True)
    assert forced.spec.replicas == 2
    # dropping a field the manager owned alone removes it (env A), others are kept
    del config["spec"]["template"]["spec"]["containers"][0]["env"]
    config["metadata"]["labels"]["new"] = "yes"
    reapplied = apply(config, "pipeline")
    assert reapplied.spec.template.spec.containers[0].env is None
    assert reapplied.metadata.labels == {"app": "ssa", "new": "yes"}
    with pytest.raises(ApiException) as no_manager:
        apps.patch_namespaced_deployment(
            "ssa", "default", config, _content_type="application/apply-patch+yaml"
        )
    assert no_manager.value.status == 422


def test_status_and_scale_subresources(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    core = client.CoreV1Api(api)
    apps.create_namespaced_deployment("default", deployment_manifest("s", replicas=1))
    scale = apps.read_namespaced_deployment_scale("s", "default")
    assert scale.spec.replicas == 1
    assert scale.status.selector == "app=s"
    scale.spec.replicas = 3
    scale.metadata.resource_version = None  # controllers keep writing status: no precondition
    apps.replace_namespaced_deployment_scale("s", "default", scale)
    assert apps.read_namespaced_deployment("s", "default").spec.replicas == 3
    wait_for(lambda: apps.read_namespaced_deployment("s", "default").status.ready_replicas == 3)
    rs_name = (
        apps.list_namespaced_replica_set("default", label_selector="app=s").items[0].metadata.name
    )
    assert apps.read_namespaced_replica_set_scale(rs_name, "default").spec.replicas == 3
    sts = {
        "metadata": {"name": "db"},
        "spec": {
            "replicas": 1,
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": POD_SPEC},
        },
    }
    apps.create_namespaced_stateful_set("default", sts)
    apps.patch_namespaced_stateful_set_scale("db", "default", {"spec": {"replicas": 2}})
    wait_for(lambda: apps.read_namespaced_stateful_set("db", "default").status.ready_replicas == 2)

    # status writes through /status leave spec alone; spec writes leave status alone
    core.create_namespaced_service(
        "default",
        {"metadata": {"name": "lb"}, "spec": {"type": "ClusterIP", "ports": [{"port": 80}]}},
    )
    patched = core.patch_namespaced_service_status(
        "lb",
        "default",
        {
            "status": {
                "conditions": [
                    {
                        "type": "Custom",
                        "status": "True",
                        "reason": "Test",
                        "message": "m",
                        "lastTransitionTime": "2024-01-01T00:00:00Z",
                    }
                ]
            },
            "spec": {"type": "NodePort"},
        },
    )
    assert patched.spec.type == "ClusterIP"
    assert patched.status.conditions[0].type == "Custom"
    ignored = core.patch_namespaced_service("lb", "default", {"status": {"conditions": []}})
    assert ignored.status.conditions[0].type == "Custom"


def test_read_pod_log_with_container_and_tail_lines(
    api: client.ApiClient, cluster: SandboxCluster
) -> None:
    core = client.CoreV1Api(api)
    core.create_namespaced_pod(
        "default",
        {
            "metadata": {"name": "talker"},
            "spec": {
                "restartPolicy": "Never",
                "containers": [
                    {
                        "name": "a",
                        "image": "busybox",
                        "command": ["sh", "-c", "echo one; echo two; echo three"],
                    },
                    {"name": "b", "image": "busybox", "command": ["printf", "%s-%s\\n", "x", "y"]},
                ],
            },
        },
    )
    wait_for(lambda: core.read_namespaced_pod("talker", "default").status.phase == "Succeeded")
    assert core.read_namespaced_pod_log("talker", "default", container="a") == "one\ntwo\nthree\n"
    assert (
        core.read_namespaced_pod_log("talker", "default", container="a", tail_lines=1) == "three\n"
    )
    assert core.read_namespaced_pod_log("talker", "default", container="b") == "x-y\n"
    with pytest.raises(ApiException) as ambiguous:
        core.read_namespaced_pod_log("talker", "default")
    assert ambiguous.value.status == 400
    assert "choose one of: [a b]" in status_of(ambiguous)["message"]


def test_errors_are_status_objects_with_the_right_codes(api: client.ApiClient) -> None:
    apps = client.AppsV1Api(api)
    core = client.CoreV1Api(api)
    with pytest.raises(ApiException) as missing:
        apps.read_namespaced_deployment("nope", "default")
    assert missing.value.status == 404
    assert status_of(missing)["reason"] == "NotFound"
    assert status_of(missing)["message"] == 'deployments.apps "nope" not found'

    apps.create_namespaced_deployment("default", deployment_manifest("dup"))
    with pytest.raises(ApiException) as duplicate:
        apps.create_namespaced_deployment("default", deployment_manifest("dup"))
    assert duplicate.value.status == 409
    assert status_of(duplicate)["reason"] == "AlreadyExists"

    current = api.sanitize_for_serialization(apps.read_namespaced_deployment("dup", "default"))
    stale = dict(current, metadata=dict(current["metadata"], resourceVersion="1"))
    with pytest.raises(ApiException) as conflict:
        apps.replace_namespaced_deployment("dup", "default", stale)
    assert conflict.value.status == 409
    assert status_of(conflict)["reason"] == "Conflict"

    bad = deployment_manifest("bad")
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(ApiException) as invalid:
        apps.create_namespaced_deployment("default", bad)
    assert invalid.value.status == 422
    assert "`selector` does not match template `labels`" in status_of(invalid)["message"]
    causes = status_of(invalid)["details"]["causes"]
    assert [c["field"] for c in causes] == ["spec.template.metadata.labels"]

    with pytest.raises(ApiException) as nameless:
        core.create_namespaced_config_map("default", {"metadata": {}})
    assert nameless.value.status == 422
    assert status_of(nameless)["details"]["causes"][0]["field"] == "metadata.name"

    # the client validates types itself, so send an ill-typed body over plain HTTP
    wrong_type = requests.post(
        f"{api.configuration.host}/api/v1/namespaces/default/configmaps",
        json={"metadata": {"name": "x"}, "data": {"a": 1}},
        timeout=5,
    )
    assert wrong_type.status_code == 400
    assert "cannot unmarshal number" in wrong_type.json()["message"]

    changed_selector = api.sanitize_for_serialization(
        apps.read_namespaced_deployment("dup", "default")
    )
    changed_selector["spec"]["selector"]["matchLabels"]["extra"] = "x"
    changed_selector["spec"]["template"]["metadata"]["labels"]["extra"] = "x"
    with pytest.raises(ApiException) as immutable:
        apps.replace_namespaced_deployment("dup", "default", changed_selector)
    assert immutable.value.status == 422
    assert "field is immutable" in status_of(immutable)["message"]


def test_bearer_tokens_401_and_403(tmp_path: Path) -> None:
    with SandboxCluster(token="good", forbidden_tokens=("readonly",)) as secured:
        with api_client_for(secured, tmp_path) as ok:
            assert client.CoreV1Api(ok).list_namespace().items
        with api_client_for(secured, tmp_path, token="wrong") as wrong:
            with pytest.raises(ApiException) as unauthorized:
                client.CoreV1Api(wrong).list_namespace()
            assert unauthorized.value.status == 401
        with api_client_for(secured, tmp_path, token="readonly") as limited:
            with pytest.raises(ApiException) as forbidden:
                client.CoreV1Api(limited).list_namespaced_pod("default")
            assert forbidden.value.status == 403
            assert 'cannot list resource "pods"' in status_of(forbidden)["message"]


def test_fault_injection_fails_the_next_matching_requests(
    api: client.ApiClient, cluster: SandboxCluster
) -> None:
    core = client.CoreV1Api(api)
    rule = cluster.faults.add(
        method="GET", path=r"/namespaces/default/configmaps$", code=500, times=2
    )
    cluster.faults.add(
        method="POST", path=r"/configmaps$", code=409, reason="Conflict", message="busy"
    )
    for _ in range(2):
        with pytest.raises(ApiException) as failed:
            core.list_namespaced_config_map("default")
        assert failed.value.status == 500
    assert core.list_namespaced_config_map("default").items == []
    assert rule.hits == 2
    with pytest.raises(ApiException) as conflict:
        core.create_namespaced_config_map("default", {"metadata": {"name": "c"}})
    assert conflict.value.status == 409
    core.create_namespaced_config_map("default", {"metadata": {"name": "c"}})


def test_dry_run_and_generate_name(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    dry = core.create_namespaced_config_map("default", {"metadata": {"name": "d"}}, dry_run="All")
    assert dry.metadata.name == "d"
    assert core.list_namespaced_config_map("default").items == []
    generated = core.create_namespaced_config_map("default", {"metadata": {"generateName": "gen-"}})
    assert generated.metadata.name.startswith("gen-")
    assert len(generated.metadata.name) == 9
