"""deployManifest through the engine against the sandbox: rolling, versions, artifacts, outputs."""

from __future__ import annotations

import base64

import yaml

from engine.status import Status
from tests.apps.kubernetes.conftest import (
    Harness,
    deploy_stage,
    deployment,
    describe,
    stage_named,
)


def config_map(name: str, **data: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def test_a_deployment_is_applied_and_waited_on_until_its_replicas_are_ready(
    harness: Harness,
) -> None:
    execution = harness.run_pipeline([deploy_stage([deployment("web", replicas=3)])])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.status.ready_replicas == 3
    assert live.metadata.labels["app.kubernetes.io/managed-by"] == "spinnaker"
    assert live.metadata.labels["app.kubernetes.io/name"] == "shop"
    assert live.metadata.annotations["moniker.spinnaker.io/cluster"] == "deployment web"
    assert live.metadata.annotations["moniker.spinnaker.io/application"] == "shop"
    assert live.metadata.annotations["artifact.spinnaker.io/type"] == "kubernetes/deployment"
    stage = stage_named(execution, "Deploy 1")
    assert stage.outputs["outputs.manifestNamesByNamespace"] == {"default": ["deployment web"]}
    assert stage.outputs["deploy.server.groups"] == {"default": ["web"]}
    assert stage.outputs["artifacts"][0]["reference"] == "web"


def test_a_rolling_update_that_never_becomes_ready_fails_with_the_pods_events(
    harness: Harness,
) -> None:
    harness.run_pipeline([deploy_stage([deployment("web")])])
    broken = deployment("web", image="nginx:broken", progressDeadlineSeconds=60)

    execution = harness.run_pipeline([deploy_stage([broken])])

    assert execution.status == Status.TERMINAL
    stage = stage_named(execution, "Deploy 1")
    errors = stage.context["exception"]["details"]["errors"]
    assert "progress deadline" in errors[0]
    assert any("ImagePullBackOff" in e or "ErrImagePull" in e for e in errors[1:])
    reasons = {event["reason"] for event in stage.context["events"]}
    assert reasons & {"Failed", "BackOff"}
    assert stage.context["failedManifests"] == [
        {"manifestName": "deployment web", "location": "default"}
    ]


def test_rollback_on_failure_undoes_a_failed_rolling_update_to_the_previous_revision(
    harness: Harness,
) -> None:
    harness.run_pipeline([deploy_stage([deployment("web", image="nginx:1.25")])])
    broken = deployment("web", image="nginx:broken", progressDeadlineSeconds=60)

    execution = harness.run_pipeline([deploy_stage([broken], rollbackOnFailure=True)])

    assert execution.status == Status.TERMINAL
    rollback = stage_named(execution, "Rollback deployment web")
    assert rollback.type == "undoRolloutManifest"
    assert rollback.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.25"
    assert live.status.ready_replicas == 2


def test_configmaps_are_versioned_reused_when_unchanged_and_bound_into_workloads(
    harness: Harness,
) -> None:
    workload = deployment("web")
    workload["spec"]["template"]["spec"]["volumes"] = [
        {"name": "cfg", "configMap": {"name": "settings"}}
    ]
    first = harness.run_pipeline([deploy_stage([config_map("settings", a="1"), workload])])
    again = harness.run_pipeline([deploy_stage([config_map("settings", a="1"), workload])])
    changed = harness.run_pipeline([deploy_stage([config_map("settings", a="2"), workload])])

    assert [e.status for e in (first, again, changed)] == [Status.SUCCEEDED] * 3
    names = sorted(
        cm.metadata.name for cm in harness.core.list_namespaced_config_map("default").items
    )
    assert names == ["settings-v000", "settings-v001"]
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.volumes[0].config_map.name == "settings-v001"
    bound = stage_named(changed, "Deploy 1").outputs["outputs.boundArtifacts"]
    assert bound[0]["reference"] == "settings-v001"


def test_max_version_history_deletes_the_oldest_versions(harness: Harness) -> None:
    for value in "123":
        settings = config_map("settings", a=value)
        settings["metadata"]["annotations"] = {"strategy.spinnaker.io/max-version-history": "2"}
        execution = harness.run_pipeline([deploy_stage([settings])])
        assert execution.status == Status.SUCCEEDED, describe(execution)

    names = sorted(
        cm.metadata.name for cm in harness.core.list_namespaced_config_map("default").items
    )
    assert names == ["settings-v001", "settings-v002"]


def test_docker_images_bind_from_trigger_artifacts_and_required_ones_must_bind(
    harness: Harness,
) -> None:
    image = {
        "type": "docker/image",
        "name": "registry.local/shop",
        "reference": "registry.local/shop:2.0",
    }
    trigger = {
        "type": "manual",
        "artifacts": [image],
        "resolvedExpectedArtifacts": [{"id": "img", "boundArtifact": image}],
    }
    workload = deployment("web", image="registry.local/shop")

    execution = harness.run_pipeline(
        [deploy_stage([workload], requiredArtifactIds=["img"])], trigger=trigger
    )
    missing = harness.run_pipeline(
        [deploy_stage([deployment("api", image="other/image")], requiredArtifactIds=["img"])],
        trigger=trigger,
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "registry.local/shop:2.0"
    assert missing.status == Status.TERMINAL
    error = stage_named(missing, "Deploy 1").context["exception"]["details"]["error"]
    assert "could not be bound" in error


def test_multi_document_text_with_a_namespace_override_and_expressions(harness: Harness) -> None:
    harness.core.create_namespace({"metadata": {"name": "staging"}})
    # Quoted, so the evaluated text still reads as a string (YAML would parse 1.27 as a number).
    text = (
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\ndata: {tag: "${parameters.tag}"}\n'
    )
    text += "---\n" + yaml.safe_dump(deployment("web", image="nginx:${parameters.tag}"))
    execution = harness.run_pipeline(
        [deploy_stage([text], namespaceOverride="staging")],
        trigger={"type": "manual", "parameters": {"tag": "1.27"}},
    )

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "staging")
    assert live.spec.template.spec.containers[0].image == "nginx:1.27"
    assert harness.core.read_namespaced_config_map("one-v000", "staging").data == {"tag": "1.27"}


def test_skip_expression_evaluation_leaves_the_manifest_text_alone(harness: Harness) -> None:
    settings = config_map("raw", script="echo ${HOME}")
    execution = harness.run_pipeline([deploy_stage([settings], skipExpressionEvaluation=True)])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert harness.core.read_namespaced_config_map("raw-v000", "default").data == {
        "script": "echo ${HOME}"
    }


def test_a_manifest_from_an_embedded_artifact_is_evaluated_and_deployed(harness: Harness) -> None:
    text = yaml.safe_dump(deployment("web", image="nginx:${trigger.parameters.tag}"))
    artifact = {
        "type": "embedded/base64",
        "name": "manifest",
        "reference": base64.b64encode(text.encode()).decode(),
    }
    trigger = {
        "type": "manual",
        "parameters": {"tag": "1.26"},
        "resolvedExpectedArtifacts": [{"id": "m", "boundArtifact": artifact}],
    }
    stage = deploy_stage([], source="artifact", manifestArtifactId="m")

    execution = harness.run_pipeline([stage], trigger=trigger)

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.spec.template.spec.containers[0].image == "nginx:1.26"


def test_downstream_stages_read_deploy_outputs_with_manifest_label_value(
    harness: Harness,
) -> None:
    check = {
        "refId": "2",
        "requisiteStageRefIds": ["1"],
        "type": "evaluateVariables",
        "name": "Read",
        "variables": [
            {"key": "app", "value": "${#manifestLabelValue('Deploy 1', 'Deployment', 'app')}"}
        ],
    }
    execution = harness.run_pipeline([deploy_stage([deployment("web")]), check])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    assert stage_named(execution, "Read").outputs["app"] == "web"


def test_server_side_apply_annotation_applies_with_the_field_manager(harness: Harness) -> None:
    workload = deployment(
        "web", annotations={"strategy.spinnaker.io/server-side-apply": "force-conflicts"}
    )
    execution = harness.run_pipeline([deploy_stage([workload])])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    managers = {entry.manager: entry.operation for entry in live.metadata.managed_fields}
    assert managers.get("cdplatform") == "Apply"


def test_removing_a_field_from_the_manifest_removes_it_from_the_cluster(harness: Harness) -> None:
    first = deployment("web")
    first["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "2"},
    ]
    harness.run_pipeline([deploy_stage([first])])
    second = deployment("web")
    second["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1"}]

    execution = harness.run_pipeline([deploy_stage([second])])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert [e.name for e in live.spec.template.spec.containers[0].env] == ["A"]
