"""The `#name(...)` helpers over an execution in Spinnaker's JSON shape."""

from __future__ import annotations

import pytest

from engine.expressions import ExpressionEnvironment, ExpressionError, evaluate
from tests.engine.expressions.conftest import sample_environment


def ev(text: str, env: ExpressionEnvironment) -> object:
    return evaluate(text, env)


class TestStageFunctions:
    def test_stage_by_name_or_id_returns_the_stage_dict(self, env: ExpressionEnvironment) -> None:
        assert ev("#stage('Deploy')['context']['account']", env) == "prod-k8s"
        assert ev("#stage('Deploy').context.account", env) == "prod-k8s"
        assert ev("#stage('s-deploy').name", env) == "Deploy"
        assert ev("#stage('Deploy').status == 'SUCCEEDED'", env) is True
        assert ev("#stage('Deploy')['context']['deploy.server.groups']", env) == {
            "default": ["deployment shop"]
        }

    def test_missing_stage_is_an_error_naming_the_execution(
        self, env: ExpressionEnvironment
    ) -> None:
        with pytest.raises(ExpressionError, match=r"Unable to locate \[Nope\].*01HV8Z3K6Q9YJ"):
            ev("#stage('Nope')", env)

    def test_stage_by_ref_id_exists_and_current(self, env: ExpressionEnvironment) -> None:
        assert ev("#stageByRefId('4').name", env) == "Approve"
        assert ev("#stageExists('Bake')", env) is True
        assert ev("#stageExists('s-bake')", env) is True
        assert ev("#stageExists('Nope')", env) is False
        assert ev("#currentStage().name", env) == "Notify"
        with pytest.raises(ExpressionError, match="stageByRefId"):
            ev("#stageByRefId('99')", env)

    def test_current_stage_needs_a_stage(self) -> None:
        with pytest.raises(ExpressionError, match="current stage"):
            ev("#currentStage()", ExpressionEnvironment())

    def test_judgment_and_its_spelling_variant(self, env: ExpressionEnvironment) -> None:
        assert ev("#judgment('Approve')", env) == "ship"
        assert ev("#judgement('Approve') == 'ship'", env) is True
        with pytest.raises(ExpressionError, match="manual Judgment stage"):
            ev("#judgment('Deploy')", env)

    def test_execution_stages_filter(self, env: ExpressionEnvironment) -> None:
        assert ev("execution.stages.?[type == 'deployManifest'].![name]", env) == ["Deploy"]
        assert ev("execution['stages'].?[status != 'SUCCEEDED'][0].name", env) == "Notify"

    def test_current_user_prefers_the_environment_then_the_execution(
        self, env: ExpressionEnvironment
    ) -> None:
        assert ev("#currentUser()", env) == "alice"
        assert ev("#currentUser()", sample_environment(current_user="bob")) == "bob"
        assert ev("#currentUser()", ExpressionEnvironment()) == "anonymous"


class TestConversions:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("#toInt(parameters.n) + 1", 42),
            ("#toInt('-7')", -7),
            ("#toInt(5)", 5),
            ("#toFloat('2.5') * 2", 5.0),
            ("#toFloat(' 1e2 ')", 100.0),
            ("#toBoolean('TRUE')", True),
            ("#toBoolean('yes')", False),  # Boolean.valueOf: only "true" is true
            ("#toBoolean(null)", False),
            ("#toBase64('hi there')", "aGkgdGhlcmU="),
            ("#fromBase64('aGkgdGhlcmU=')", "hi there"),
            ("#fromBase64('aGk')", "hi"),
            ("#alphanumerical('my-app_v1.2!')", "myappv12"),
            ("#toJson({a: 1, b: {1, 'x'}})", '{"a":1,"b":[1,"x"]}'),
            ("#readJson('{\"a\": [1, 2]}').a[1]", 2),
            ("#readJson('[1, 2]').size()", 2),
            ("#readYaml('a: 1\nb: [x, y]').b[0]", "x"),
            ("#readYaml('when: 2024-01-02').when", "2024-01-02"),
            ("#readAllYaml('a: 1\n---\na: 2').![a]", [1, 2]),
        ],
    )
    def test_conversion_helpers(
        self, text: str, expected: object, env: ExpressionEnvironment
    ) -> None:
        assert ev(text, env) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("#toInt('1.5')", "for input string"),
            ("#toInt('3000000000')", "out of range"),
            ("#toInt(' 1')", "for input string"),
            ("#toInt(null)", "not null"),
            ("#toFloat('abc')", "for input string"),
            ("#toFloat('NaN')", "for input string"),
            ("#fromBase64('***')", "not valid base64"),
            ("#readJson('5')", "expected a JSON dict"),
            ("#readJson('{bad')", "readJson failed"),
            ("#readYaml('a: [')", "readYaml failed"),
            ("#toJson('${x}')", "cannot contain an expression"),
            ("#nope(1)", "could not be found"),
            ("#toInt()", "incorrect number of arguments"),
        ],
    )
    def test_conversion_failures(self, text: str, message: str, env: ExpressionEnvironment) -> None:
        with pytest.raises(ExpressionError, match=message):
            ev(text, env)

    def test_do_not_eval_returns_its_argument_and_lets_to_json_carry_expressions(
        self, env: ExpressionEnvironment
    ) -> None:
        assert ev("#doNotEval('${parameters.tag}')", env) == "${parameters.tag}"
        assert ev("#toJson(#doNotEval({x: '${a}'}))", env) == '{"x":"${a}"}'
        assert ev("#doNotEval('abc').length()", env) == 3


class TestPipelines:
    def test_pipeline_id_lookups_use_the_execution_application(
        self, env: ExpressionEnvironment
    ) -> None:
        assert ev("#pipelineId('rollback')", env) == "p-rollback"
        assert ev("#pipelineIdOrNull('missing')", env) is None
        assert ev("#pipelineIdInApplication('rollback', 'shop')", env) == "p-rollback"
        with pytest.raises(ExpressionError, match="could not be found in shop"):
            ev("#pipelineId('missing')", env)
        with pytest.raises(ExpressionError, match="could not be found in other"):
            ev("#pipelineIdInApplication('rollback', 'other')", env)

    def test_pipeline_lookup_without_a_lookup_port(self) -> None:
        env = sample_environment(pipeline_id_lookup=None)
        with pytest.raises(ExpressionError, match="not available"):
            ev("#pipelineId('rollback')", env)


class TestDeployments:
    def test_deployed_server_groups_reads_flat_and_nested_keys(
        self, env: ExpressionEnvironment
    ) -> None:
        groups = ev("#deployedServerGroups()", env)
        assert groups == [
            {
                "account": "tencent-prod",
                "capacity": {"min": 1, "max": 3, "desired": 2},
                "parentStage": None,
                "region": "ap-guangzhou",
                "serverGroup": "shop-v003",
                "deployments": [],
            }
        ]
        assert ev("#deployedServerGroups('Deploy ASG')[0].serverGroup", env) == "shop-v003"
        assert ev("#deployedServerGroups('Deploy')", env) == []  # a deployManifest stage
        assert ev("deployedServerGroups[0].region", env) == "ap-guangzhou"  # Orca's alias

    def test_manifest_label_value(self, env: ExpressionEnvironment) -> None:
        assert ev("#manifestLabelValue('Deploy', 'Deployment', 'tier')", env) == "web"
        with pytest.raises(ExpressionError, match="Only Deployments and ReplicaSets"):
            ev("#manifestLabelValue('Deploy', 'Service', 'app')", env)
        with pytest.raises(ExpressionError, match="valid Deploy Manifest stage"):
            ev("#manifestLabelValue('Bake', 'Deployment', 'app')", env)
        with pytest.raises(ExpressionError, match="No label"):
            ev("#manifestLabelValue('Deploy', 'Deployment', 'nope')", env)

    def test_manifest_label_value_reads_outputs_when_context_has_none(self) -> None:
        env = sample_environment()
        assert env.execution is not None
        stage = env.stages[1]
        manifests = stage["context"].pop("manifests")  # type: ignore[attr-defined]
        stage["outputs"]["manifests"] = manifests  # type: ignore[index]
        assert ev("#manifestLabelValue('Deploy', 'Deployment', 'app')", env) == "shop"

    def test_trigger_resolved_artifacts(self, env: ExpressionEnvironment) -> None:
        assert ev("#triggerResolvedArtifact('registry/api').version", env) == "1.2.3"
        assert ev("#triggerResolvedArtifactByType('docker/image').name", env) == "registry/api"
        assert ev("#triggerResolvedArtifact('registry/shop').reference", env) == ("registry/shop:7")
        with pytest.raises(ExpressionError, match="Unable to locate resolved artifact nope"):
            ev("#triggerResolvedArtifact('nope')", env)


class TestUrls:
    @pytest.mark.parametrize(
        "text",
        [
            "#fromUrl('https://config.example.com/a')",
            "#jsonFromUrl('https://config.example.com/a')",
            "#yamlFromUrl('https://config.example.com/a')",
            "#propertiesFromUrl('https://config.example.com/a')",
        ],
    )
    def test_url_functions_are_disabled_without_a_fetcher(
        self, text: str, env: ExpressionEnvironment
    ) -> None:
        with pytest.raises(ExpressionError, match="URL functions are disabled"):
            ev(text, env)

    def test_url_functions_parse_what_the_fetcher_returns(self) -> None:
        bodies = {
            "https://c.example.com/text": "plain",
            "https://c.example.com/json": '{"replicas": 3}',
            "https://c.example.com/yaml": "image:\n  tag: v7\n",
            "https://c.example.com/props": "# comment\nname=shop\nkey : a\\\n  b\nspaced value\n",
        }
        env = sample_environment(url_fetcher=bodies.__getitem__)
        assert ev("#fromUrl('https://c.example.com/text')", env) == "plain"
        assert ev("#jsonFromUrl('https://c.example.com/json').replicas", env) == 3
        assert ev("#yamlFromUrl('https://c.example.com/yaml').image.tag", env) == "v7"
        assert ev("#propertiesFromUrl('https://c.example.com/props')", env) == {
            "name": "shop",
            "key": "ab",
            "spaced": "value",
        }

    def test_fetcher_failures_become_expression_errors(self) -> None:
        def refuse(url: str) -> str:
            raise PermissionError(f"{url} is not on the allow-list")

        env = sample_environment(url_fetcher=refuse)
        with pytest.raises(ExpressionError, match="not on the allow-list"):
            ev("#fromUrl('http://169.254.169.254/latest/meta-data')", env)


class TestEnvironmentForStage:
    def test_root_variables_follow_orca_merged_context(self, env: ExpressionEnvironment) -> None:
        assert ev("parameters.tag", env) == "1.2.3"
        assert ev("trigger.payload.commit", env) == "abc123"
        assert ev("scmInfo.branch", env) == "feature/x"  # first non master/develop branch
        assert ev("url", env) == "https://hooks.example.com/x"  # the stage's own context
        assert ev("bakedImage", env) == "img-7"  # an ancestor's output
        assert ev("execution.application", env) == "shop"

    def test_stage_context_wins_over_ancestor_outputs(self) -> None:
        env = sample_environment(ancestor_outputs=[{"count": 99, "extra": 1}])
        assert ev("count", env) == 3
        assert ev("extra", env) == 1

    def test_parameters_default_to_an_empty_map(self) -> None:
        execution = {"id": "e", "trigger": {}, "stages": []}
        env = ExpressionEnvironment.for_stage(execution=execution, stage={"context": {}})
        assert ev("parameters", env) == {}
        assert ev("parameters.x", env) is None
        assert ev("scmInfo", env) is None
