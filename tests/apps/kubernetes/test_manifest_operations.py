"""deleteManifest, scaleManifest, patchManifest, undoRolloutManifest, runJobManifest,
findArtifactFromResource and bakeManifest through the engine on the sandbox."""

from __future__ import annotations

import base64
import io
import shutil
import tarfile
from typing import Any

import pytest

from engine.status import Status
from tests.apps.kubernetes.conftest import (
    ACCOUNT,
    Harness,
    deploy_stage,
    deployment,
    describe,
    replica_set,
    stage_named,
)


def op(stage_type: str, ref: str = "1", **fields: Any) -> dict[str, Any]:
    return {"refId": ref, "type": stage_type, "name": stage_type, "account": ACCOUNT, **fields}


def three_versions(harness: Harness) -> None:
    for index, size in enumerate((1, 3, 2)):
        harness.run_pipeline(
            [deploy_stage([replica_set("web", image=f"nginx:1.{index}", replicas=size)])]
        )


def names(harness: Harness) -> list[str]:
    return sorted(
        rs.metadata.name for rs in harness.apps.list_namespaced_replica_set("default").items
    )


def test_delete_by_static_name(harness: Harness) -> None:
    harness.run_pipeline([deploy_stage([deployment("web")])])

    execution = harness.run_pipeline(
        [op("deleteManifest", manifestName="deployment web", location="default")]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert harness.cluster.get("Deployment", "web") is None


@pytest.mark.parametrize(
    ("criteria", "gone"),
    [
        ("newest", "web-v002"),
        ("second_newest", "web-v001"),
        ("oldest", "web-v000"),
        ("largest", "web-v001"),
        ("smallest", "web-v000"),
    ],
)
def test_delete_a_dynamic_target_in_a_cluster(harness: Harness, criteria: str, gone: str) -> None:
    three_versions(harness)

    execution = harness.run_pipeline(
        [
            op(
                "deleteManifest",
                cluster="replicaSet web",
                criteria=criteria,
                location="default",
                mode="dynamic",
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert gone not in names(harness)
    assert len(names(harness)) == 2


def test_delete_by_label_selector_without_cascading_orphans_the_pods(harness: Harness) -> None:
    three_versions(harness)
    selector = {
        "selectors": [{"kind": "EQUALS", "key": "app.kubernetes.io/name", "values": ["shop"]}]
    }

    execution = harness.run_pipeline(
        [
            op(
                "deleteManifest",
                mode="label",
                kinds=["replicaSet"],
                labelSelectors=selector,
                location="default",
                options={"cascading": False},
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert names(harness) == []
    harness.settle()
    assert harness.core.list_namespaced_pod("default", label_selector="app=web").items


def test_delete_by_label_selector_in_a_pipeline_saved_before_deck_wrote_the_mode(
    harness: Harness,
) -> None:
    three_versions(harness)
    selector = {
        "selectors": [{"kind": "EQUALS", "key": "app.kubernetes.io/name", "values": ["shop"]}]
    }

    execution = harness.run_pipeline(
        [
            op(
                "deleteManifest",
                kinds=["replicaSet"],
                labelSelectors=selector,
                location="default",
                options={"cascading": True},
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert names(harness) == []


def test_a_dynamic_target_ignores_the_empty_label_selectors_deck_leaves_behind(
    harness: Harness,
) -> None:
    three_versions(harness)

    execution = harness.run_pipeline(
        [
            op(
                "scaleManifest",
                mode="dynamic",
                cluster="replicaSet web",
                criteria="second_newest",
                kinds=[],
                labelSelectors={"selectors": []},
                location="default",
                replicas="0",
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert harness.apps.read_namespaced_replica_set("web-v001", "default").spec.replicas == 0


def test_scale_the_second_newest_version_to_zero(harness: Harness) -> None:
    three_versions(harness)

    execution = harness.run_pipeline(
        [
            op(
                "scaleManifest",
                cluster="replicaSet web",
                criteria="second_newest",
                location="default",
                replicas=0,
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert harness.apps.read_namespaced_replica_set("web-v001", "default").spec.replicas == 0


@pytest.mark.parametrize(
    ("strategy", "body"),
    [
        (
            "strategic",
            [
                {
                    "spec": {
                        "template": {
                            "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]}
                        }
                    }
                }
            ],
        ),
        ("merge", {"spec": {"replicas": 3}}),
        ("json", [{"op": "replace", "path": "/spec/replicas", "value": 3}]),
    ],
)
def test_patch_with_each_merge_strategy_and_record_the_change_cause(
    harness: Harness, strategy: str, body: Any
) -> None:
    harness.run_pipeline([deploy_stage([deployment("web")])])

    execution = harness.run_pipeline(
        [
            op(
                "patchManifest",
                manifestName="deployment web",
                location="default",
                patchBody=body,
                options={"mergeStrategy": strategy, "record": True},
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert "patchManifest" in live.metadata.annotations["kubernetes.io/change-cause"]
    if strategy == "strategic":
        assert live.spec.template.spec.containers[0].image == "nginx:1.27"
    else:
        assert live.spec.replicas == 3


def test_undo_rollout_goes_back_the_given_number_of_revisions(harness: Harness) -> None:
    for tag in ("1.1", "1.2", "1.3"):
        harness.run_pipeline([deploy_stage([deployment("web", image=f"nginx:{tag}")])])

    execution = harness.run_pipeline(
        [
            op(
                "undoRolloutManifest",
                manifestName="deployment web",
                location="default",
                numRevisionsBack=2,
            )
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.1"
    assert live.status.ready_replicas == 2


def job(script: str) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate"},
        "spec": {
            "backoffLimit": 0,
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


def test_run_job_captures_logs_and_property_outputs(harness: Harness) -> None:
    script = (
        "echo migrating; echo SPINNAKER_PROPERTY_VERSION=42; "
        "echo 'SPINNAKER_CONFIG_JSON={\"ok\": true}'"
    )
    check = {
        "refId": "2",
        "requisiteStageRefIds": ["1"],
        "type": "evaluateVariables",
        "name": "Use",
        "variables": [{"key": "v", "value": "${#stage('runJobManifest')['outputs']['VERSION']}"}],
    }

    execution = harness.run_pipeline(
        [
            op("runJobManifest", manifest=job(script), deleteJob=True, cloudProvider="kubernetes"),
            check,
        ]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    stage = stage_named(execution, "runJobManifest")
    assert "migrating" in stage.context["jobStatus"]["logs"]
    assert stage.outputs["VERSION"] == "42"
    assert stage.outputs["ok"] is True
    assert stage_named(execution, "Use").outputs["v"] == "42"
    assert harness.cluster.get("Job", stage.context["jobName"]) is None


def test_a_failing_job_fails_the_stage_and_is_kept(harness: Harness) -> None:
    execution = harness.run_pipeline([op("runJob", manifest=job("echo boom; exit 3"))])

    assert execution.status == Status.TERMINAL
    stage = stage_named(execution, "runJob")
    assert "boom" in stage.context["jobStatus"]["logs"]
    assert harness.cluster.get("Job", stage.context["jobName"]) is not None


def test_find_artifacts_from_a_live_resource(harness: Harness) -> None:
    harness.run_pipeline([deploy_stage([deployment("web", image="registry.local/shop:3.1")])])

    execution = harness.run_pipeline(
        [op("findArtifactsFromResource", manifestName="deployment web", location="default")]
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    artifacts = stage_named(execution, "findArtifactsFromResource").outputs["artifacts"]
    assert artifacts == [
        {
            "type": "docker/image",
            "name": "registry.local/shop",
            "reference": "registry.local/shop:3.1",
            "version": "3.1",
        }
    ]


def tarball(files: dict[str, str]) -> str:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"app/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_bake_with_kustomize_then_deploy_the_baked_artifact(harness: Harness) -> None:
    files = {
        "kustomization.yaml": "resources: [cm.yaml]\nnamePrefix: baked-\n",
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n",
    }
    source = {"type": "embedded/base64", "name": "app.tgz", "reference": tarball(files)}
    bake = op(
        "bakeManifest",
        templateRenderer="KUSTOMIZE",
        inputArtifact={"artifact": source},
        kustomizeFilePath="kustomization.yaml",
        expectedArtifacts=[
            {"id": "baked", "matchArtifact": {"type": "embedded/base64", "name": "app"}}
        ],
        outputName="app",
    )
    deploy = deploy_stage(
        [], ref="2", source="artifact", manifestArtifactId="baked", requisiteStageRefIds=["1"]
    )

    execution = harness.run_pipeline([bake, deploy])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert harness.core.read_namespaced_config_map("baked-settings-v000", "default").data == {
        "a": "1"
    }


def test_bake_with_helm_explains_a_missing_binary(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    source = {
        "type": "embedded/base64",
        "name": "chart.tgz",
        "reference": tarball({"Chart.yaml": "name: x\n"}),
    }

    execution = harness.run_pipeline(
        [op("bakeManifest", templateRenderer="HELM3", inputArtifact={"artifact": source})]
    )

    assert execution.status == Status.TERMINAL
    error = stage_named(execution, "bakeManifest").context["exception"]["details"]["error"]
    assert "needs the `helm` binary" in error
