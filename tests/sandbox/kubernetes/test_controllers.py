"""Simulated controllers on a manual clock, observed through the official Python client."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from sandbox.kubernetes import SandboxCluster
from tests.sandbox.kubernetes.conftest import deployment_manifest


def condition(obj: Any, type_: str) -> Any:
    return next((c for c in obj.status.conditions or [] if c.type == type_), None)


def pods_of(core: client.CoreV1Api, selector: str) -> list[Any]:
    return core.list_namespaced_pod("default", label_selector=selector).items


def test_deployment_rolls_out_a_new_image_within_surge_and_unavailability_bounds(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    manifest = deployment_manifest(
        "web",
        replicas=4,
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
    )
    apps.create_namespaced_deployment("default", manifest)
    sim.advance(5)
    first = apps.read_namespaced_deployment("web", "default")
    assert first.status.available_replicas == 4
    assert condition(first, "Progressing").reason == "NewReplicaSetAvailable"
    assert first.metadata.annotations["deployment.kubernetes.io/revision"] == "1"

    apps.patch_namespaced_deployment(
        "web",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.26"}]}}}},
    )
    observed_new_rs = False
    for _ in range(40):
        sim.advance(0.5)
        live = [p for p in pods_of(core, "app=web") if p.metadata.deletion_timestamp is None]
        ready = [
            p for p in live if condition(p, "Ready") and condition(p, "Ready").status == "True"
        ]
        assert len(live) <= 4 + 1, "maxSurge exceeded"
        assert len(ready) >= 4 - 1, "maxUnavailable exceeded"
        d = apps.read_namespaced_deployment("web", "default")
        if condition(d, "Progressing").reason == "ReplicaSetUpdated":
            observed_new_rs = True
        if (
            condition(d, "Progressing").reason == "NewReplicaSetAvailable"
            and d.status.updated_replicas == 4
        ):
            break
    else:
        pytest.fail("rollout did not finish")
    assert observed_new_rs
    assert d.status.observed_generation == d.metadata.generation == 2
    assert (d.status.replicas, d.status.ready_replicas, d.status.available_replicas) == (4, 4, 4)
    assert d.status.unavailable_replicas is None
    assert condition(d, "Available").reason == "MinimumReplicasAvailable"
    assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    sets = {
        rs.spec.template.spec.containers[0].image: rs
        for rs in apps.list_namespaced_replica_set("default", label_selector="app=web").items
    }
    assert sets["nginx:1.25"].spec.replicas == 0
    assert sets["nginx:1.26"].spec.replicas == 4
    new_rs = sets["nginx:1.26"]
    pod_hash = new_rs.metadata.labels["pod-template-hash"]
    assert new_rs.metadata.name == f"web-{pod_hash}"
    assert new_rs.metadata.owner_references[0].name == "web"
    assert all(p.metadata.labels["pod-template-hash"] == pod_hash for p in pods_of(core, "app=web"))
    events = core.list_namespaced_event("default", field_selector="involvedObject.name=web").items
    assert any(
        e.reason == "ScalingReplicaSet" and "Scaled up replica set" in e.message for e in events
    )

    # going back to the first template reuses the old ReplicaSet with a new revision
    apps.patch_namespaced_deployment(
        "web",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]}}}},
    )
    sim.advance(30)
    old = apps.read_namespaced_replica_set(sets["nginx:1.25"].metadata.name, "default")
    assert old.spec.replicas == 4
    assert old.metadata.annotations["deployment.kubernetes.io/revision"] == "3"
    assert old.metadata.annotations["deployment.kubernetes.io/revision-history"] == "1"
    assert len(apps.list_namespaced_replica_set("default").items) == 2


def test_broken_image_never_becomes_ready_and_exceeds_the_progress_deadline(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    apps.create_namespaced_deployment(
        "default", deployment_manifest("app", replicas=2, progressDeadlineSeconds=30)
    )
    sim.advance(5)
    apps.patch_namespaced_deployment(
        "app",
        "default",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [{"name": "main", "image": "registry.example/app:broken"}]
                    }
                }
            }
        },
    )
    sim.advance(10)
    d = apps.read_namespaced_deployment("app", "default")
    assert condition(d, "Progressing").status == "True"
    broken = [p for p in pods_of(core, "app=app") if p.spec.containers[0].image.endswith(":broken")]
    assert broken, "a surge pod with the new image exists"
    waiting = broken[0].status.container_statuses[0].state.waiting
    assert waiting.reason == "ImagePullBackOff"
    assert "registry.example/app:broken" in waiting.message
    assert broken[0].status.phase == "Pending"
    sim.advance(40)
    d = apps.read_namespaced_deployment("app", "default")
    progressing = condition(d, "Progressing")
    assert (progressing.status, progressing.reason) == ("False", "ProgressDeadlineExceeded")
    assert progressing.message.endswith("has timed out progressing.")
    assert d.status.available_replicas == 2  # the old pods keep serving
    events = core.list_namespaced_event(
        "default", field_selector=f"involvedObject.name={broken[0].metadata.name}"
    ).items
    reasons = {(e.reason, e.type) for e in events}
    assert {("Failed", "Warning"), ("BackOff", "Normal"), ("Scheduled", "Normal")} <= reasons
    assert any(e.message == "Error: ImagePullBackOff" for e in events)


def test_recreate_strategy_removes_old_pods_before_creating_new_ones(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    apps.create_namespaced_deployment(
        "default", deployment_manifest("rc", replicas=2, strategy={"type": "Recreate"})
    )
    sim.advance(5)
    sim.config.pod_terminate_seconds = 3
    apps.patch_namespaced_deployment(
        "rc",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:2"}]}}}},
    )
    sim.advance(1)
    pods = pods_of(core, "app=rc")
    assert {p.spec.containers[0].image for p in pods} == {"nginx:1.25"}
    assert all(p.metadata.deletion_timestamp is not None for p in pods)
    sim.advance(10)
    assert {p.spec.containers[0].image for p in pods_of(core, "app=rc")} == {"nginx:2"}
    assert condition(apps.read_namespaced_deployment("rc", "default"), "Progressing").reason == (
        "NewReplicaSetAvailable"
    )


def test_revision_history_limit_prunes_old_replica_sets(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps = client.AppsV1Api(sim_api)
    apps.create_namespaced_deployment(
        "default", deployment_manifest("h", replicas=1, revisionHistoryLimit=1)
    )
    for version in range(2, 5):
        sim.advance(5)
        apps.patch_namespaced_deployment(
            "h",
            "default",
            {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "main", "image": f"nginx:{version}"}]}
                    }
                }
            },
        )
    sim.advance(10)
    revisions = sorted(
        int(rs.metadata.annotations["deployment.kubernetes.io/revision"])
        for rs in apps.list_namespaced_replica_set("default").items
    )
    assert revisions == [3, 4]


def test_scaling_through_spec_and_min_ready_seconds(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps = client.AppsV1Api(sim_api)
    apps.create_namespaced_deployment(
        "default", deployment_manifest("m", replicas=1, minReadySeconds=10)
    )
    sim.advance(3)
    d = apps.read_namespaced_deployment("m", "default")
    assert d.status.ready_replicas == 1
    assert d.status.available_replicas is None
    sim.advance(10)
    assert apps.read_namespaced_deployment("m", "default").status.available_replicas == 1
    apps.patch_namespaced_deployment("m", "default", {"spec": {"replicas": 3}})
    sim.advance(15)
    assert apps.read_namespaced_deployment("m", "default").status.available_replicas == 3
    apps.patch_namespaced_deployment_scale("m", "default", {"spec": {"replicas": 0}})
    sim.advance(1)
    assert client.CoreV1Api(sim_api).list_namespaced_pod("default").items == []


def test_paused_deployment_does_not_roll(sim: SandboxCluster, sim_api: client.ApiClient) -> None:
    apps = client.AppsV1Api(sim_api)
    apps.create_namespaced_deployment("default", deployment_manifest("pz", replicas=1))
    sim.advance(5)
    apps.patch_namespaced_deployment(
        "pz",
        "default",
        {
            "spec": {
                "paused": True,
                "template": {"spec": {"containers": [{"name": "main", "image": "nginx:9"}]}},
            }
        },
    )
    sim.advance(5)
    assert len(apps.list_namespaced_replica_set("default").items) == 1
    assert condition(apps.read_namespaced_deployment("pz", "default"), "Progressing").reason == (
        "DeploymentPaused"
    )
    apps.patch_namespaced_deployment("pz", "default", {"spec": {"paused": False}})
    sim.advance(10)
    assert len(apps.list_namespaced_replica_set("default").items) == 2


def job_manifest(name: str, script: str, **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {
            **spec,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [
                        {"name": "main", "image": "busybox", "command": ["sh", "-c", script]}
                    ],
                }
            },
        },
    }


def test_job_that_fails_hits_its_backoff_limit_and_keeps_logs(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    batch, core = client.BatchV1Api(sim_api), client.CoreV1Api(sim_api)
    batch.create_namespaced_job(
        "default",
        job_manifest(
            "migrate", "echo starting migration\nsleep 3\necho boom >&2; exit 3", backoffLimit=1
        ),
    )
    sim.advance(3)
    running = batch.read_namespaced_job("migrate", "default")
    assert running.status.active == 1
    assert running.status.start_time is not None
    sim.advance(30)
    job = batch.read_namespaced_job("migrate", "default")
    failed = condition(job, "Failed")
    assert (failed.status, failed.reason) == ("True", "BackoffLimitExceeded")
    assert failed.message == "Job has reached the specified backoff limit"
    assert condition(job, "Complete") is None
    assert job.status.failed == 2
    assert job.status.active is None
    pods = pods_of(core, "job-name=migrate")
    assert len(pods) == 2
    assert {p.status.phase for p in pods} == {"Failed"}
    terminated = pods[0].status.container_statuses[0].state.terminated
    assert (terminated.exit_code, terminated.reason) == (3, "Error")
    log = core.read_namespaced_pod_log(pods[0].metadata.name, "default")
    assert log.startswith("starting migration\n")
    assert "boom" in log


def test_job_completes_and_honours_completions_and_parallelism(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    batch, core = client.BatchV1Api(sim_api), client.CoreV1Api(sim_api)
    batch.create_namespaced_job(
        "default",
        job_manifest(
            "batchy",
            "printf 'SPINNAKER_PROPERTY_%s=%s\\n' color blue; sleep 1",
            completions=3,
            parallelism=2,
        ),
    )
    sim.advance(2.5)
    assert batch.read_namespaced_job("batchy", "default").status.active == 2
    sim.advance(10)
    job = batch.read_namespaced_job("batchy", "default")
    assert condition(job, "Complete").status == "True"
    assert job.status.succeeded == 3
    assert job.status.completion_time is not None
    pod = pods_of(core, "job-name=batchy")[0]
    assert (
        core.read_namespaced_pod_log(pod.metadata.name, "default")
        == "SPINNAKER_PROPERTY_color=blue\n"
    )


def test_job_active_deadline(sim: SandboxCluster, sim_api: client.ApiClient) -> None:
    batch = client.BatchV1Api(sim_api)
    batch.create_namespaced_job(
        "default", job_manifest("slow", "sleep 100", activeDeadlineSeconds=10)
    )
    sim.advance(20)
    assert (
        condition(batch.read_namespaced_job("slow", "default"), "Failed").reason
        == "DeadlineExceeded"
    )


def test_deployment_pod_whose_command_exits_crash_loops(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    core = client.CoreV1Api(sim_api)
    manifest = deployment_manifest("crash", replicas=1)
    manifest["spec"]["template"]["spec"]["containers"][0]["command"] = [
        "sh",
        "-c",
        "echo bye; exit 1",
    ]
    client.AppsV1Api(sim_api).create_namespaced_deployment("default", manifest)
    sim.advance(2.5)
    pod = pods_of(core, "app=crash")[0]
    status = pod.status.container_statuses[0]
    assert status.state.waiting.reason == "CrashLoopBackOff"
    assert status.last_state.terminated.exit_code == 1
    sim.advance(30)
    assert pods_of(core, "app=crash")[0].status.container_statuses[0].restart_count >= 2


def test_garbage_collection_background_orphan_and_foreground(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    for name in ("bg", "orphan", "fg"):
        apps.create_namespaced_deployment("default", deployment_manifest(name, replicas=1))
    sim.advance(5)

    apps.delete_namespaced_deployment("bg", "default")
    sim.advance(1)
    assert apps.list_namespaced_replica_set("default", label_selector="app=bg").items == []
    assert pods_of(core, "app=bg") == []

    apps.delete_namespaced_deployment("orphan", "default", propagation_policy="Orphan")
    sim.advance(1)
    kept = apps.list_namespaced_replica_set("default", label_selector="app=orphan").items
    assert len(kept) == 1
    assert kept[0].metadata.owner_references is None
    assert len(pods_of(core, "app=orphan")) == 1

    sim.config.pod_terminate_seconds = 5  # pods take a while to stop: foreground waits for them
    apps.delete_namespaced_deployment("fg", "default", propagation_policy="Foreground")
    sim.advance(1)
    waiting = apps.read_namespaced_deployment("fg", "default")
    assert waiting.metadata.deletion_timestamp is not None
    assert "foregroundDeletion" in waiting.metadata.finalizers
    terminating = pods_of(core, "app=fg")
    assert terminating
    assert terminating[0].metadata.deletion_timestamp is not None
    sim.advance(10)
    with pytest.raises(ApiException) as gone:
        apps.read_namespaced_deployment("fg", "default")
    assert gone.value.status == 404
    assert pods_of(core, "app=fg") == []


def test_pod_graceful_deletion(sim: SandboxCluster, sim_api: client.ApiClient) -> None:
    core = client.CoreV1Api(sim_api)
    sim.config.pod_terminate_seconds = 30
    core.create_namespaced_pod(
        "default",
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
    )
    sim.advance(5)
    deleted = core.delete_namespaced_pod("p", "default", grace_period_seconds=10)
    assert deleted.metadata.deletion_grace_period_seconds == 10
    sim.advance(5)
    assert core.read_namespaced_pod("p", "default").metadata.deletion_timestamp is not None
    sim.advance(6)
    assert core.list_namespaced_pod("default").items == []


def test_namespace_deletion_empties_it_and_refuses_new_content(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    core.create_namespace({"metadata": {"name": "doomed"}})
    apps.create_namespaced_deployment("doomed", deployment_manifest("d", replicas=1))
    core.create_namespaced_config_map("doomed", {"metadata": {"name": "c"}})
    sim.advance(5)
    sim.config.pod_terminate_seconds = 5
    core.delete_namespace("doomed")
    assert core.read_namespace("doomed").status.phase == "Terminating"
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_config_map("doomed", {"metadata": {"name": "late"}})
    assert refused.value.status == 403
    sim.advance(10)
    with pytest.raises(ApiException) as gone:
        core.read_namespace("doomed")
    assert gone.value.status == 404
    assert sim.list("pods", "doomed") == []
    assert sim.list("configmaps", "doomed") == []


def test_services_get_cluster_ips_endpoints_and_load_balancers(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    net = client.NetworkingV1Api(sim_api)
    apps.create_namespaced_deployment("default", deployment_manifest("api", replicas=2))
    svc = core.create_namespaced_service(
        "default",
        {
            "metadata": {"name": "api"},
            "spec": {"selector": {"app": "api"}, "ports": [{"port": 80, "targetPort": 80}]},
        },
    )
    assert svc.spec.cluster_ip.startswith("10.96.")
    assert svc.spec.cluster_ips == [svc.spec.cluster_ip]
    sim.tick()
    endpoints = core.read_namespaced_endpoints("api", "default")
    assert endpoints.subsets[0].addresses is None
    assert len(endpoints.subsets[0].not_ready_addresses) == 2
    sim.advance(3)
    endpoints = core.read_namespaced_endpoints("api", "default")
    assert len(endpoints.subsets[0].addresses) == 2
    assert endpoints.subsets[0].ports[0].port == 80

    lb = core.create_namespaced_service(
        "default",
        {
            "metadata": {"name": "public"},
            "spec": {"type": "LoadBalancer", "selector": {"app": "api"}, "ports": [{"port": 443}]},
        },
    )
    assert 30000 <= lb.spec.ports[0].node_port < 32768
    sim.tick()
    ingress = core.read_namespaced_service("public", "default").status.load_balancer.ingress
    assert ingress[0].ip.startswith("203.0.113.")
    net.create_namespaced_ingress(
        "default",
        {
            "metadata": {"name": "web"},
            "spec": {
                "rules": [
                    {
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "api", "port": {"number": 80}}},
                                }
                            ]
                        }
                    }
                ]
            },
        },
    )
    sim.tick()
    assert net.read_namespaced_ingress("web", "default").status.load_balancer.ingress[0].ip

    # switching the selector (blue/green) moves the endpoints
    core.patch_namespaced_service("api", "default", {"spec": {"selector": {"app": "nothing"}}})
    sim.tick()
    assert core.read_namespaced_endpoints("api", "default").subsets is None


def test_statefulset_creates_ordered_pods_and_tracks_revisions(
    sim: SandboxCluster, sim_api: client.ApiClient
) -> None:
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    manifest = deployment_manifest("db", replicas=3)
    manifest.update(apiVersion="apps/v1", kind="StatefulSet")
    manifest["spec"]["serviceName"] = "db"
    apps.create_namespaced_stateful_set("default", manifest)
    sim.tick()
    assert [p.metadata.name for p in pods_of(core, "app=db")] == ["db-0"]
    sim.advance(10)
    assert [p.metadata.name for p in pods_of(core, "app=db")] == ["db-0", "db-1", "db-2"]
    sts = apps.read_namespaced_stateful_set("db", "default")
    assert sts.status.ready_replicas == 3
    assert sts.status.current_revision == sts.status.update_revision
    first_revision = sts.status.update_revision
    apps.patch_namespaced_stateful_set(
        "db",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:2"}]}}}},
    )
    sim.tick()
    sts = apps.read_namespaced_stateful_set("db", "default")
    assert sts.status.update_revision != first_revision == sts.status.current_revision
    sim.advance(20)
    sts = apps.read_namespaced_stateful_set("db", "default")
    assert sts.status.current_revision == sts.status.update_revision != first_revision
    assert sts.status.updated_replicas == 3
    assert {p.spec.containers[0].image for p in pods_of(core, "app=db")} == {"nginx:2"}


def test_daemonset_runs_one_pod_per_node(sim_api: client.ApiClient, sim: SandboxCluster) -> None:
    sim.add_node("sandbox-node-2")
    sim.add_node("sandbox-node-3")
    apps, core = client.AppsV1Api(sim_api), client.CoreV1Api(sim_api)
    manifest = deployment_manifest("agent")
    manifest.update(apiVersion="apps/v1", kind="DaemonSet")
    del manifest["spec"]["replicas"]
    apps.create_namespaced_daemon_set("default", manifest)
    sim.advance(5)
    ds = apps.read_namespaced_daemon_set("agent", "default")
    assert ds.status.desired_number_scheduled == 3
    assert ds.status.number_ready == 3
    nodes = sorted(p.spec.node_name for p in pods_of(core, "app=agent"))
    assert nodes == ["sandbox-node-1", "sandbox-node-2", "sandbox-node-3"]
    apps.patch_namespaced_daemon_set(
        "agent",
        "default",
        {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:2"}]}}}},
    )
    sim.advance(20)
    ds = apps.read_namespaced_daemon_set("agent", "default")
    assert ds.status.updated_number_scheduled == 3
    assert ds.status.number_available == 3
