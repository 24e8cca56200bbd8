"""Fuzzed pipeline configs and merge patches through the API never produce a server error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.catalog import CATALOG
from tests.apps.pipelines.conftest import APP, create, pipeline_path

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

STAGE_TYPES = [stage.type for stage in CATALOG.stage_types()] + ["runJob", "jenkins", ""]
FIELD_NAMES = sorted(
    {field.name for stage in CATALOG.stage_types() for field in CATALOG.stage_fields(stage.type)}
)
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["${", "${x}", "${ parameters.a + }", "#judgment('a')", "1", "true", "0 0 * * *"]
    ),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(TEXT, children, max_size=3)
    ),
    max_leaves=12,
)
REF = st.one_of(st.sampled_from(["1", "2", "3"]), st.integers(min_value=0, max_value=4), st.none())


@st.composite
def stages(draw: Any) -> Any:
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(VALUES)
    stage: dict[str, Any] = {"type": draw(st.sampled_from(STAGE_TYPES)), "refId": draw(REF)}
    if draw(st.booleans()):
        stage["requisiteStageRefIds"] = draw(st.one_of(st.lists(REF, max_size=3), VALUES))
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=4)):
        stage[name] = draw(VALUES)
    return stage


@st.composite
def triggers(draw: Any) -> Any:
    trigger = {"type": draw(st.sampled_from(["cron", "git", "webhook", "docker", "pipeline", "x"]))}
    for name in draw(
        st.lists(
            st.sampled_from(
                ["cronExpression", "branch", "payloadConstraints", "enabled", "id", "status", "tag"]
            ),
            max_size=3,
        )
    ):
        trigger[name] = draw(VALUES)
    return trigger


CONFIGS = st.fixed_dictionaries(
    {"name": st.one_of(TEXT, SCALARS)},
    optional={
        "stages": st.one_of(st.lists(stages(), max_size=5), VALUES),
        "triggers": st.one_of(st.lists(triggers(), max_size=3), VALUES),
        "parameterConfig": st.lists(
            st.one_of(st.fixed_dictionaries({"name": TEXT}, optional={"options": VALUES}), VALUES),
            max_size=3,
        ),
        "notifications": st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["email", "wecom", "slack", "?"])},
                optional={"when": VALUES, "address": VALUES},
            ),
            max_size=2,
        ),
        "expectedArtifacts": VALUES,
        "limitConcurrent": VALUES,
        "maxConcurrentExecutions": VALUES,
        "disabled": VALUES,
        "locked": VALUES,
        "id": VALUES,
        "updateTs": VALUES,
        "cdplatform": VALUES,
        "template": VALUES,
    },
)


def test_fuzzed_configs_never_cause_a_server_error(world, admin):
    @FUZZ
    @given(config=CONFIGS)
    def check(config: dict[str, Any]) -> None:
        response = admin.post(APP, json.dumps(config), content_type="application/json")
        assert response.status_code in (201, 400, 404, 409), (response.status_code, config)

    check()


def test_fuzzed_merge_patches_never_cause_a_server_error(world, admin):
    pipeline = create(admin)

    @FUZZ
    @given(patch=st.one_of(CONFIGS, VALUES))
    def check(patch: Any) -> None:
        response = admin.patch(
            pipeline_path(pipeline["id"]),
            json.dumps(patch),
            content_type="application/merge-patch+json",
        )
        assert response.status_code in (200, 400, 409, 423), (response.status_code, patch)

    check()
