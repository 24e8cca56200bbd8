"""Copying stages of one pipeline into another: fresh refIds, inner links kept, roots attached."""

from __future__ import annotations

import pytest

from tests.apps.pipelines.conftest import create, pipeline_path, simple_config

SOURCE_STAGES = [
    {"refId": "a", "requisiteStageRefIds": [], "type": "wait", "name": "A", "waitTime": 1},
    {"refId": "b", "requisiteStageRefIds": ["a"], "type": "wait", "name": "B", "waitTime": 2},
    {"refId": "c", "requisiteStageRefIds": ["a", "b"], "type": "wait", "name": "C", "waitTime": 3},
    {"refId": "d", "requisiteStageRefIds": [], "type": "wait", "name": "D", "waitTime": 4},
]


@pytest.fixture
def pair(world, admin):
    source = create(admin, simple_config(name="library", stages=SOURCE_STAGES))
    target = create(admin, name="target")
    return source, target


def _copy(client, target, **body):
    return client.post(pipeline_path(target["id"], "stages/copy"), body, format="json")


def test_copied_stages_get_fresh_ids_keep_their_links_and_follow_after(admin, pair):
    source, target = pair
    response = _copy(admin, target, **{"from": source["id"], "refIds": ["b", "c"], "after": ["2"]})
    assert response.status_code == 200, response.json()
    stages = response.json()["stages"]
    assert [stage["refId"] for stage in stages] == ["1", "2", "3", "4"]
    b_copy, c_copy = stages[2], stages[3]
    assert (b_copy["name"], b_copy["requisiteStageRefIds"]) == ("B", ["2"])
    assert (c_copy["name"], c_copy["requisiteStageRefIds"]) == ("C", ["3"])
    assert response.json()["cdplatform"]["changeSource"] == "copy"
    assert admin.get(pipeline_path(source["id"])).json()["stages"] == SOURCE_STAGES


def test_copies_without_after_start_in_parallel_at_the_beginning(admin, pair):
    source, target = pair
    stages = _copy(admin, target, **{"from": source["id"], "refIds": ["a", "d"]}).json()["stages"]
    assert [stage["requisiteStageRefIds"] for stage in stages[2:]] == [[], []]


def test_a_pipeline_can_copy_its_own_stages(admin, pair):
    _, target = pair
    stages = _copy(admin, target, **{"from": target["id"], "refIds": ["1", "2"]}).json()["stages"]
    assert [stage["refId"] for stage in stages] == ["1", "2", "3", "4"]
    assert stages[3]["requisiteStageRefIds"] == ["3"]


def test_unknown_stages_are_refused_with_pointers(admin, pair):
    source, target = pair
    response = _copy(admin, target, **{"from": source["id"], "refIds": ["a", "zz"], "after": ["9"]})
    assert response.status_code == 400
    pointers = [error["pointer"] for error in response.json()["details"]["errors"]]
    assert pointers == ["/refIds/1", "/after/0"]


def test_copying_from_a_pipeline_the_user_cannot_read_is_not_found(world, admin, pair):
    _, target = pair
    foreign = (
        world.client("outsider")
        .post(
            "/api/v1/teams/other/applications/secret-app/pipelines/", simple_config(), format="json"
        )
        .json()
    )
    response = _copy(admin, target, **{"from": foreign["id"], "refIds": ["1"]})
    assert response.status_code == 404
    assert len(admin.get(pipeline_path(target["id"])).json()["stages"]) == 2


def test_copying_stages_needs_the_manage_permission(world, pair):
    source, target = pair
    response = _copy(world.client("developer"), target, **{"from": source["id"], "refIds": ["a"]})
    assert response.status_code == 403
