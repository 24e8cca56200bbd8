"""Server groups as the stages see them, read from DescribeAutoScalingGroups/-Instances replies."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from apps.tencentcloud.stages import naming

TAG_TRAFFIC = f"{naming.TAG_PREFIX}traffic"
# CLB's own default weight, used to re-enable a binding whose serving weight was never recorded.
DEFAULT_WEIGHT = 10


@dataclass(frozen=True)
class Capacity:
    min: int
    max: int
    desired: int

    def as_dict(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max, "desired": self.desired}

    @classmethod
    def from_dict(cls, data: Any) -> Capacity:
        if not isinstance(data, dict):
            raise ValueError("capacity must be an object with min, max and desired")
        try:
            values = {key: int(data[key]) for key in ("min", "max", "desired")}
        except (KeyError, TypeError, ValueError):
            raise ValueError("capacity needs whole numbers min, max and desired") from None
        capacity = cls(**values)
        if not 0 <= capacity.min <= capacity.desired <= capacity.max:
            raise ValueError(f"capacity must satisfy 0 <= min <= desired <= max, got {values}")
        return capacity


@dataclass(frozen=True)
class Binding:
    """One forward load balancer (CLB listener, and rule for layer 7) with port weights."""

    load_balancer_id: str
    listener_id: str
    location_id: str = ""
    region: str = ""
    targets: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.load_balancer_id, self.listener_id, self.location_id)

    @property
    def serving(self) -> bool:
        return any(weight > 0 for _, weight in self.targets)

    def with_weight(self, weight: int) -> Binding:
        return replace(self, targets=tuple((port, weight) for port, _ in self.targets))

    def with_weights(self, weights: dict[int, int]) -> Binding:
        return replace(
            self,
            targets=tuple((port, weights.get(port, weight)) for port, weight in self.targets),
        )

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "LoadBalancerId": self.load_balancer_id,
            "ListenerId": self.listener_id,
            "TargetAttributes": [{"Port": port, "Weight": weight} for port, weight in self.targets],
        }
        if self.location_id:
            out["LocationId"] = self.location_id
        if self.region:
            out["Region"] = self.region
        return out

    def to_stage(self) -> dict[str, Any]:
        """Spinnaker's field names (`forwardLoadBalancers` entries)."""
        return {
            "loadBalancerId": self.load_balancer_id,
            "listenerId": self.listener_id,
            "locationId": self.location_id,
            "region": self.region,
            "targetAttributes": [{"port": port, "weight": weight} for port, weight in self.targets],
        }

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Binding:
        return cls(
            load_balancer_id=str(data.get("LoadBalancerId") or ""),
            listener_id=str(data.get("ListenerId") or ""),
            location_id=str(data.get("LocationId") or ""),
            region=str(data.get("Region") or ""),
            targets=tuple(
                (int(item["Port"]), int(item["Weight"]))
                for item in data.get("TargetAttributes") or []
            ),
        )

    @classmethod
    def from_stage(cls, data: Any) -> Binding:
        if not isinstance(data, dict):
            raise ValueError("each forwardLoadBalancers entry must be an object")
        attributes = data.get("targetAttributes") or data.get("TargetAttributes") or []
        targets = []
        for item in attributes:
            if not isinstance(item, dict):
                raise ValueError("targetAttributes entries must be objects with port and weight")
            port: Any = item.get("port", item.get("Port", ""))
            weight: Any = item.get("weight", item.get("Weight", DEFAULT_WEIGHT))
            try:
                targets.append((int(port), int(weight)))
            except (TypeError, ValueError):
                raise ValueError(f"targetAttributes entry {item!r} needs a numeric port") from None
        lb_id = data.get("loadBalancerId") or data.get("LoadBalancerId")
        listener_id = data.get("listenerId") or data.get("ListenerId")
        if not lb_id or not listener_id or not targets:
            raise ValueError(
                "a forward load balancer needs loadBalancerId, listenerId and targetAttributes"
            )
        return cls(
            load_balancer_id=str(lb_id),
            listener_id=str(listener_id),
            location_id=str(data.get("locationId") or data.get("LocationId") or ""),
            region=str(data.get("region") or data.get("Region") or ""),
            targets=tuple(targets),
        )


def encode_traffic(bindings: list[Binding]) -> str:
    """Serving weights as a tag value (tag values allow letters, digits and `+-./:=@_ `)."""
    parts = []
    for binding in bindings:
        ports = "+".join(f"{port}={weight}" for port, weight in binding.targets)
        parts.append(
            f"{binding.load_balancer_id}/{binding.listener_id}/{binding.location_id}/{ports}"
        )
    return " ".join(parts)


def decode_traffic(value: str) -> dict[tuple[str, str, str], dict[int, int]]:
    out: dict[tuple[str, str, str], dict[int, int]] = {}
    for part in value.split():
        pieces = part.split("/")
        if len(pieces) != 4:
            continue
        lb_id, listener_id, location_id, ports = pieces
        weights: dict[int, int] = {}
        for item in ports.split("+"):
            port, _, weight = item.partition("=")
            if port.isdigit() and weight.isdigit():
                weights[int(port)] = int(weight)
        out[(lb_id, listener_id, location_id)] = weights
    return out


@dataclass(frozen=True)
class Instance:
    instance_id: str
    state: str
    health: str
    warmup: str
    launch_configuration_id: str = ""
    zone: str = ""
    added: str = ""
    version: int = 0

    @property
    def in_service(self) -> bool:
        return self.state == "IN_SERVICE"

    @property
    def healthy(self) -> bool:
        return self.in_service and self.health == "HEALTHY"

    @property
    def leaving(self) -> bool:
        return self.state in ("TERMINATING", "DETACHING", "REMOVING", "DETACHED", "TERMINATED")

    @property
    def failed(self) -> bool:
        """Warm-up is over but the health check never passed."""
        return self.in_service and self.warmup == "AFTER_WARMUP" and self.health != "HEALTHY"

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Instance:
        return cls(
            instance_id=str(data.get("InstanceId") or ""),
            state=str(data.get("LifeCycleState") or ""),
            health=str(data.get("HealthStatus") or ""),
            warmup=str(data.get("WarmupStatus") or ""),
            launch_configuration_id=str(data.get("LaunchConfigurationId") or ""),
            zone=str(data.get("Zone") or ""),
            added=str(data.get("AddTime") or ""),
            version=int(data.get("VersionNumber") or 0),
        )


@dataclass(frozen=True)
class ServerGroup:
    name: str
    group_id: str
    region: str
    capacity: Capacity
    scaling_enabled: bool
    in_activity: bool
    instance_count: int
    launch_configuration_id: str
    created: str
    bindings: tuple[Binding, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def moniker(self) -> naming.Moniker:
        return naming.parse(self.name)

    @property
    def cluster(self) -> str:
        return self.moniker.cluster

    @property
    def disabled(self) -> bool:
        """No traffic: every binding at weight 0, or (without bindings) scaling suspended."""
        if self.bindings:
            return not any(binding.serving for binding in self.bindings)
        return not self.scaling_enabled

    @property
    def sort_key(self) -> tuple[str, int]:
        return (self.created, self.moniker.sequence or 0)

    def serving_weights(self) -> list[Binding]:
        """The bindings with the weights they serve with when enabled (recorded in a tag)."""
        recorded = decode_traffic(self.tags.get(TAG_TRAFFIC, ""))
        out = []
        for binding in self.bindings:
            weights = recorded.get(binding.key)
            if weights:
                out.append(binding.with_weights(weights))
            elif binding.serving:
                out.append(binding)
            else:
                out.append(binding.with_weight(DEFAULT_WEIGHT))
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "serverGroupName": self.name,
            "autoScalingGroupId": self.group_id,
            "region": self.region,
            "capacity": self.capacity.as_dict(),
            "disabled": self.disabled,
            "instanceCount": self.instance_count,
        }

    @classmethod
    def from_api(cls, data: dict[str, Any], region: str) -> ServerGroup:
        return cls(
            name=str(data.get("AutoScalingGroupName") or ""),
            group_id=str(data.get("AutoScalingGroupId") or ""),
            region=region,
            capacity=Capacity(
                min=int(data.get("MinSize") or 0),
                max=int(data.get("MaxSize") or 0),
                desired=int(data.get("DesiredCapacity") or 0),
            ),
            scaling_enabled=data.get("EnabledStatus") == "ENABLED",
            in_activity=data.get("InActivityStatus") == "IN_ACTIVITY",
            instance_count=int(data.get("InstanceCount") or 0),
            launch_configuration_id=str(data.get("LaunchConfigurationId") or ""),
            created=str(data.get("CreatedTime") or ""),
            bindings=tuple(
                Binding.from_api(item) for item in data.get("ForwardLoadBalancerSet") or []
            ),
            tags={
                str(tag.get("Key")): str(tag.get("Value") or "") for tag in data.get("Tags") or []
            },
            raw=data,
        )
