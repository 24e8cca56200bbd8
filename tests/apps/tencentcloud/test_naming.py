"""Moniker naming and resize arithmetic (pure functions)."""

from __future__ import annotations

import pytest

from apps.tencentcloud.stages import capacity, naming
from apps.tencentcloud.stages.config import ConfigError
from apps.tencentcloud.stages.model import Binding, Capacity, decode_traffic, encode_traffic


@pytest.mark.parametrize(
    ("app", "stack", "detail", "cluster"),
    [
        ("shop", "", "", "shop"),
        ("shop", "web", "", "shop-web"),
        ("shop", "web", "canary-1", "shop-web-canary-1"),
        ("shop", "", "canary", "shop--canary"),
    ],
)
def test_cluster_names_collapse_empty_parts(
    app: str, stack: str, detail: str, cluster: str
) -> None:
    moniker = naming.Moniker(app, stack, detail, 7)
    assert moniker.cluster == cluster
    assert moniker.server_group == f"{cluster}-v007"
    assert naming.parse(moniker.server_group) == moniker


def test_a_name_without_a_version_has_no_sequence() -> None:
    assert naming.parse("shop-web") == naming.Moniker("shop", "web", "", None)


def test_next_sequence_follows_the_newest_group_and_wraps_after_999() -> None:
    assert naming.next_sequence([], "shop") == 0
    assert naming.next_sequence(["shop-v003", "shop-v004"], "shop") == 5
    assert naming.next_sequence(["shop-v001", "shop-v999"], "shop") == 0
    assert naming.next_sequence(["shop-v000", "shop-v999"], "shop") == 1
    assert naming.next_sequence(["shop-web-v004", "shop-v001"], "shop") == 2


def test_hyphens_are_refused_in_application_and_stack() -> None:
    assert naming.check_parts("my-app", "", "")
    assert naming.check_parts("app", "st-ack", "")
    assert not naming.check_parts("app", "stack", "free-form")


def test_traffic_weights_round_trip_through_a_tag_value() -> None:
    bindings = [
        Binding("lb-1", "lbl-1", "loc-1", "", ((80, 10), (8080, 5))),
        Binding("lb-1", "lbl-2", "", "", ((8080, 20),)),
    ]
    assert decode_traffic(encode_traffic(bindings)) == {
        ("lb-1", "lbl-1", "loc-1"): {80: 10, 8080: 5},
        ("lb-1", "lbl-2", ""): {8080: 20},
    }


CURRENT = Capacity(2, 4, 2)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"capacity": {"min": 1, "max": 6, "desired": 5}}, Capacity(1, 6, 5)),
        ({"capacity": {"desired": 6}}, Capacity(2, 6, 6)),
        ({"action": "scale_up", "scalePct": 50}, Capacity(3, 6, 3)),
        ({"action": "scale_down", "scaleNum": 3}, Capacity(0, 1, 0)),
        (
            {
                "action": "scale_exact",
                "capacity": {"min": 2, "max": 4, "desired": 4},
                "scalePct": 50,
                "pinCapacity": True,
            },
            Capacity(2, 2, 2),
        ),
    ],
)
def test_resize_targets(context: dict[str, object], expected: Capacity) -> None:
    assert capacity.target(context, CURRENT) == expected


def test_scale_to_cluster_matches_the_largest_group_plus_an_increment() -> None:
    others = [Capacity(1, 10, 6), Capacity(3, 5, 1)]
    assert capacity.target({"action": "scale_to_cluster"}, CURRENT, others) == Capacity(3, 10, 6)
    assert capacity.target(
        {"action": "scale_to_cluster", "scaleNum": 2}, CURRENT, others
    ) == Capacity(3, 10, 8)


def test_resize_refuses_unknown_actions() -> None:
    with pytest.raises(ConfigError):
        capacity.target({"action": "scale_sideways"}, CURRENT)
