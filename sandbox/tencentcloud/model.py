"""The simulated cloud's resources as plain dataclasses; one region's worth is a RegionState."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

# --- network and images (seeded, referenced by requests) ---------------------------------


@dataclass
class Vpc:
    vpc_id: str
    name: str
    cidr: str


@dataclass
class Subnet:
    subnet_id: str
    vpc_id: str
    zone: str
    cidr: str
    name: str
    allocated: int = 0

    def allocate_ip(self) -> str:
        network = ipaddress.ip_network(self.cidr, strict=False)
        self.allocated += 1
        # Skip the network address and the first few the cloud reserves.
        return str(network.network_address + 3 + self.allocated)


@dataclass
class SecurityGroup:
    security_group_id: str
    name: str


@dataclass
class Image:
    image_id: str
    name: str

    @property
    def broken(self) -> bool:
        return self.image_id.endswith("broken")


# --- Auto Scaling ------------------------------------------------------------------------


@dataclass
class LaunchConfiguration:
    launch_configuration_id: str
    name: str
    image_id: str
    instance_types: list[str]
    project_id: int
    security_group_ids: list[str]
    user_data: str | None
    instance_charge_type: str
    tags: list[dict[str, str]]
    instance_tags: list[dict[str, str]]
    created_at: float
    updated_at: float
    version: int = 1
    # Fields accepted and echoed back but not simulated (disks, login, market options, ...).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ForwardLb:
    """One application-CLB binding of a scaling group: listener (+ layer-7 location)."""

    load_balancer_id: str
    listener_id: str
    location_id: str | None
    region: str
    targets: list[tuple[int, int]]  # (port, weight)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.load_balancer_id, self.listener_id, self.location_id or "")


@dataclass
class ScalingGroup:
    group_id: str
    name: str
    launch_configuration_id: str
    min_size: int
    max_size: int
    desired: int
    vpc_id: str
    subnet_ids: list[str]
    zones: list[str]
    project_id: int
    default_cooldown: int
    termination_policies: list[str]
    retry_policy: str
    zones_check_policy: str
    tags: list[dict[str, str]]
    forward_lbs: list[ForwardLb]
    created_at: float
    multi_zone_subnet_policy: str = "PRIORITY"
    health_check_type: str = "CVM"
    lb_grace_period: int = 0
    service_settings: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # What the user asked for; an instance refresh disables the group on top of this.
    user_enabled: bool = True
    refresh_activity_id: str | None = None
    seq: int = 0

    @property
    def enabled(self) -> bool:
        return self.user_enabled and self.refresh_activity_id is None


# Instance life-cycle states used by the simulation (a subset of the API's values).
CREATING = "CREATING"
IN_SERVICE = "IN_SERVICE"
TERMINATING = "TERMINATING"
DETACHING = "DETACHING"

# Health-check outcome, separate from the life-cycle state.
HEALTH_PENDING = "PENDING"
HEALTH_OK = "OK"
HEALTH_FAILED = "FAILED"


@dataclass
class Instance:
    instance_id: str
    region: str
    group_id: str
    launch_configuration_id: str
    launch_configuration_name: str
    lc_version: int
    image_id: str
    instance_type: str
    zone: str
    subnet_id: str
    private_ip: str
    created_at: float
    state: str = CREATING
    health: str = HEALTH_PENDING
    ready_at: float | None = None  # boot (or re-install) completes
    health_at: float | None = None  # the health check resolves
    gone_at: float | None = None  # termination / detachment completes
    resetting: bool = False  # being re-installed by an instance refresh
    zero_weight: bool = False  # an instance refresh holds its CLB weight at 0
    protected: bool = False
    creation_type: str = "AUTO_CREATION"
    seq: int = 0

    @property
    def leaving(self) -> bool:
        return self.state in (TERMINATING, DETACHING)

    def next_due(self) -> float | None:
        if self.leaving:
            return self.gone_at
        if self.state == CREATING or self.resetting:
            return self.ready_at
        if self.health == HEALTH_PENDING:
            return self.health_at
        return None


@dataclass
class Activity:
    activity_id: str
    group_id: str
    activity_type: str
    cause: str
    description: str
    created_at: float
    status: str = "RUNNING"
    status_message: str = ""
    end_time: float | None = None
    # instance id -> INIT | RUNNING | SUCCESSFUL | FAILED
    instances: dict[str, str] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    seq: int = 0

    @property
    def running(self) -> bool:
        return self.status in ("INIT", "RUNNING")


@dataclass
class RefreshItem:
    instance_id: str
    status: str = "WAITING"
    message: str = ""
    last_activity_id: str | None = None
    target_image: str | None = None
    previous_image: str | None = None
    replacement_id: str | None = None  # ROLLING_UPDATE_REPLACE: the new instance


@dataclass
class RefreshBatch:
    number: int
    items: list[RefreshItem]
    status: str = "WAITING"
    start_time: float | None = None
    end_time: float | None = None


@dataclass
class RefreshActivity:
    refresh_activity_id: str
    group_id: str
    mode: str
    settings: dict[str, Any]
    activity_type: str  # NORMAL | ROLLBACK
    batches: list[RefreshBatch]
    created_at: float
    origin_id: str | None = None
    status: str = "INIT"
    current_batch: int = 0
    start_time: float | None = None
    end_time: float | None = None
    target_image: str | None = None
    seq: int = 0

    @property
    def rolling(self) -> dict[str, Any]:
        return self.settings["RollingUpdateSettings"]  # type: ignore[no-any-return]

    @property
    def terminal(self) -> bool:
        return self.status in ("SUCCESSFUL", "CANCELLED", "FAILED")

    @property
    def paused(self) -> bool:
        return self.status in ("AUTO_PAUSE", "MANUAL_PAUSE", "FAILED_PAUSE")

    def items(self) -> list[RefreshItem]:
        return [item for batch in self.batches for item in batch.items]


# --- CLB ---------------------------------------------------------------------------------

LAYER7 = ("HTTP", "HTTPS")


@dataclass
class Backend:
    instance_id: str
    port: int
    weight: int
    registered_at: float
    kind: str = "CVM"


@dataclass
class Rule:
    location_id: str
    domain: str
    url: str
    created_at: float
    health_check: dict[str, Any]
    scheduler: str = "WRR"
    session_expire_time: int = 0
    forward_type: str = "HTTP"
    default_server: bool = False
    targets: list[Backend] = field(default_factory=list)


@dataclass
class Listener:
    listener_id: str
    protocol: str
    port: int
    name: str
    created_at: float
    health_check: dict[str, Any]
    scheduler: str = "WRR"
    session_expire_time: int = 0
    rules: dict[str, Rule] = field(default_factory=dict)
    targets: list[Backend] = field(default_factory=list)  # layer-4 listeners bind here
    certificate: dict[str, Any] | None = None
    # A layer-4 listener's implicit rule, which DescribeTargetHealth reports as a location.
    default_location_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def layer7(self) -> bool:
        return self.protocol in LAYER7


@dataclass
class LoadBalancer:
    load_balancer_id: str
    name: str
    lb_type: str  # OPEN | INTERNAL
    vpc_id: str
    subnet_id: str | None
    project_id: int
    vip: str
    created_at: float
    tags: list[dict[str, str]] = field(default_factory=list)
    listeners: dict[str, Listener] = field(default_factory=dict)
    seq: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# --- one region ----------------------------------------------------------------------------


@dataclass
class RegionState:
    name: str
    zones: list[str]
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    launch_configurations: dict[str, LaunchConfiguration] = field(default_factory=dict)
    groups: dict[str, ScalingGroup] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    activities: dict[str, Activity] = field(default_factory=dict)
    refresh_activities: dict[str, RefreshActivity] = field(default_factory=dict)
    load_balancers: dict[str, LoadBalancer] = field(default_factory=dict)
    # Asynchronous CLB calls (request id or deal name -> load balancer ids), for DescribeTaskStatus.
    clb_tasks: dict[str, list[str]] = field(default_factory=dict)

    def group_instances(self, group_id: str) -> list[Instance]:
        return sorted(
            (i for i in self.instances.values() if i.group_id == group_id), key=lambda i: i.seq
        )

    def group_activities(self, group_id: str) -> list[Activity]:
        return [a for a in self.activities.values() if a.group_id == group_id]

    def running_activity(self, group_id: str) -> Activity | None:
        for activity in self.group_activities(group_id):
            if activity.running:
                return activity
        return None
