"""deployManifest through the engine against the sandbox: rolling, versions, artifacts, outputs."""

from __future__ import annotations

from engine.status import Status
from tests.apps.kubernetes.conftest import Harness, deploy_stage, deployment, describe, stage_named


def test_a_deployment_is_applied_and_waited_on_until_its_replicas_are_ready(harness: Harness) -> None:
    execution = harness.run_pipeline([deploy_stage([deployment("web", replicas=3)])])

    assert execution.status == Status.SUCCEEDED, describe(execution)
    live = harness.apps.read_namespaced_deployment("web", "default")
    assert live.status.ready_replicas == 3
    assert live.metadata.labels["app.kubernetes.io/managed-by"] == "spinnaker"
    assert live.metadata.annotations["moniker.spinnaker.io/cluster"] == "deployment web"
    stage = stage_named(execution, "Deploy 1")
    assert stage.outputs["outputs.manifestNamesByNamespace"] == {"default": ["deployment web"]}
    assert [task.status for task in stage.tasks] == [Status.SUCCEEDED] * len(stage.tasks)
