"""A month's bill from a profile, a load and the price table: pure arithmetic, no I/O.

Each billed service is one or two lines, its fixed part (what runs whatever the load) and
its variable part (what grows with it). The service names are the rows of the seed's
March bill, so a bill and a model compare line by line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chesschat.cost.prices import PRICES, Prices
from chesschat.cost.profiles import DAYS, HOURS, TRAFFIC, Load, Profile, Traffic
from chesschat.cost.tfvars import TURN_INSTANCE_TYPE

EC2_VOLUME_GB = 8
"""Root volume of the NAT instance and the TURN server (gp3)."""
DETAILED_MONITORING_METRICS = 7
"""Metrics an instance with detailed monitoring (the TURN server) sends, billed as custom metrics."""


@dataclass(frozen=True)
class Line:
    service: str
    usd: float
    fixed: bool
    detail: str


@dataclass(frozen=True)
class Bill:
    profile: str
    load: Load
    lines: tuple[Line, ...]

    @property
    def total_usd(self) -> float:
        return sum(line.usd for line in self.lines)

    @property
    def fixed_usd(self) -> float:
        return sum(line.usd for line in self.lines if line.fixed)

    @property
    def variable_usd(self) -> float:
        return sum(line.usd for line in self.lines if not line.fixed)

    def by_service(self) -> dict[str, float]:
        """Each service's total, in the order of the lines."""
        totals: dict[str, float] = {}
        for line in self.lines:
            totals[line.service] = totals.get(line.service, 0.0) + line.usd
        return totals


@dataclass(frozen=True)
class Usage:
    """The billed quantities a load brings in one month."""

    games: float
    attendee_minutes: float
    relay_gb: float
    app_out_gb: float
    log_gb: float
    nat_gb: float
    endpoint_gb: float
    lcu_hours: float
    extra_task_hours: float
    write_units: float
    read_units: float
    stored_gb: float
    dns_queries: float
    secret_calls: float


def players_per_task(profile: Profile, traffic: Traffic = TRAFFIC) -> float:
    """Players one task carries at the autoscaling target, from the benchmark's moves per core."""
    moves_per_second = profile.task_vcpu * traffic.moves_per_core_second * traffic.target_cpu
    return moves_per_second * traffic.seconds_per_move * 2


def relay_gb_per_hour(traffic: Traffic = TRAFFIC) -> float:
    """GB a TURN server sends out for one hour of a relayed call: both directions, once each."""
    return 2 * traffic.video_mbps * 1e6 / 8 * 3600 / 1e9


def log_gb_per_game(load: Load, traffic: Traffic = TRAFFIC) -> float:
    return (traffic.log_bytes_per_game + load.moves_per_game * traffic.log_bytes_per_move) / 1e9


def usage(profile: Profile, load: Load, traffic: Traffic = TRAFFIC) -> Usage:
    games = load.games_per_day * DAYS
    video_hours = games * load.video_minutes_per_game / 60
    has_turn = profile.video == "webrtc" and profile.turn_instance_type is not None
    log_gb = traffic.idle_log_gb + games * log_gb_per_game(load, traffic)
    app_out_gb = games * (traffic.api_bytes_per_game + load.moves_per_game * traffic.wire_bytes_per_move) / 1e9
    # Without interface endpoints the tasks reach the AWS APIs (logs, ECR, secrets) through NAT.
    through_endpoints = log_gb if profile.interface_endpoints else 0.0
    needed = math.ceil(load.peak_players / players_per_task(profile, traffic))
    extra_tasks = max(0, min(profile.max_tasks, needed) - profile.tasks)
    # An ALB capacity unit is the most of 3,000 active connections, 25 new ones a second and
    # 1 GB an hour processed; the month's average hour is what is billed here.
    online = load.games_per_day * load.moves_per_game * traffic.seconds_per_move * 2 / 86400
    new_per_second = load.games_per_day * traffic.new_connections_per_game / 86400
    lcu = max(online / 3000, new_per_second / 25, app_out_gb / HOURS)
    record_bytes = traffic.game_record_bytes + load.moves_per_game * traffic.game_record_bytes_per_move
    return Usage(
        games=games,
        attendee_minutes=video_hours * 60 * 2 if profile.video == "chime" else 0.0,
        relay_gb=video_hours * load.turn_share * relay_gb_per_hour(traffic) if has_turn else 0.0,
        app_out_gb=app_out_gb,
        log_gb=log_gb,
        nat_gb=traffic.idle_internet_gb + log_gb - through_endpoints,
        endpoint_gb=through_endpoints,
        lcu_hours=lcu * HOURS,
        extra_task_hours=extra_tasks * traffic.peak_hours_per_day * DAYS,
        write_units=games * math.ceil(record_bytes / 1024),
        read_units=games * traffic.reads_per_game,
        stored_gb=games * record_bytes * traffic.records_kept_months / 1e9,
        dns_queries=games * traffic.dns_queries_per_video_session if has_turn else 0.0,
        secret_calls=profile.secrets * traffic.secret_reads_per_secret,
    )


def _ec2_month(instance_type: str, prices: Prices) -> float:
    return HOURS * prices.ec2_hour[instance_type] + EC2_VOLUME_GB * prices.ebs_gp3_gb_month


def public_ipv4_count(profile: Profile) -> int:
    """The ALB's address in each AZ, the NAT gateways' or the NAT instance's, the TURN server's."""
    nat = profile.azs if profile.nat == "per_az" else 1
    return profile.azs + nat + (1 if profile.turn_instance_type else 0)


def month(profile: Profile, load: Load, prices: Prices = PRICES, traffic: Traffic = TRAFFIC) -> Bill:
    u = usage(profile, load, traffic)
    lines: list[Line] = []

    def add(service: str, usd: float, fixed: bool, detail: str) -> None:
        lines.append(Line(service, usd, fixed, detail))

    endpoint_hours = profile.interface_endpoints * profile.endpoint_azs * HOURS
    if profile.interface_endpoints:
        add(
            "VPC Interface Endpoints",
            endpoint_hours * prices.endpoint_az_hour,
            True,
            f"{profile.interface_endpoints} endpoints x {profile.endpoint_azs} AZs x {HOURS} h",
        )
        add("VPC Interface Endpoints", u.endpoint_gb * prices.endpoint_gb, False, f"{u.endpoint_gb:.2f} GB processed")
    else:
        add("VPC Interface Endpoints", 0.0, True, "none: AWS API calls go out through NAT")

    if profile.nat == "instance":
        add(
            "NAT instance",
            _ec2_month(profile.nat_instance_type, prices),
            True,
            f"one {profile.nat_instance_type} x {HOURS} h and {EC2_VOLUME_GB} GB gp3; no per-GB charge",
        )
    else:
        gateways = profile.azs if profile.nat == "per_az" else 1
        add("NAT Gateway", gateways * HOURS * prices.nat_gateway_hour, True, f"{gateways} x {HOURS} h")
        add("NAT Gateway", u.nat_gb * prices.nat_gateway_gb, False, f"{u.nat_gb:.3f} GB processed")

    add(
        "ElastiCache Redis",
        profile.cache_nodes * HOURS * prices.cache_node_hour[profile.cache_node_type],
        True,
        f"{profile.cache_nodes} x {profile.cache_node_type} x {HOURS} h",
    )

    add("ALB", HOURS * prices.alb_hour, True, f"{HOURS} h")
    add("ALB", u.lcu_hours * prices.alb_lcu_hour, False, f"{u.lcu_hours:.1f} LCU-hours")

    add("Domain registrar", prices.domain_com_year, True, "annual fee, billed in the renewal month")

    addresses = public_ipv4_count(profile)
    add("Public IPv4 addresses", addresses * HOURS * prices.public_ipv4_hour, True, f"{addresses} x {HOURS} h")

    task_hour = profile.task_vcpu * prices.fargate_vcpu_hour + profile.task_memory_gib * prices.fargate_gb_hour
    base_hours = profile.tasks * (HOURS + profile.deploy_overlap_task_hours)
    add(
        "ECS Fargate",
        base_hours * task_hour,
        True,
        f"{profile.tasks} x ({HOURS} h + {profile.deploy_overlap_task_hours:g} h deploy overlap)"
        f" of {profile.task_vcpu:g} vCPU / {profile.task_memory_gib:g} GiB",
    )
    add("ECS Fargate", u.extra_task_hours * task_hour, False, f"{u.extra_task_hours:.0f} task-hours above the baseline")

    metrics = profile.custom_metrics + (DETAILED_MONITORING_METRICS if profile.turn_instance_type else 0)
    billed_metrics = max(0, metrics - prices.free_custom_metrics)
    billed_alarms = max(0, profile.alarm_metrics - prices.free_alarm_metrics)
    add(
        "CloudWatch",
        billed_metrics * prices.cloudwatch_metric_month + billed_alarms * prices.cloudwatch_alarm_metric_month,
        True,
        f"{billed_metrics} of {metrics} custom metrics, {billed_alarms} of {profile.alarm_metrics}"
        f" alarm metrics past the free {prices.free_custom_metrics} and {prices.free_alarm_metrics}",
    )
    # Thirty days' retention holds about one month of logs.
    billed_logs = max(0.0, u.log_gb - prices.free_logs_gb)
    add(
        "CloudWatch",
        billed_logs * (prices.logs_ingest_gb + prices.logs_storage_gb_month),
        False,
        f"{u.log_gb:.2f} GB of logs ingested and kept, {prices.free_logs_gb:g} GB free",
    )

    total_out = u.app_out_gb + u.relay_gb
    billed_share = max(0.0, total_out - prices.free_transfer_out_gb) / total_out if total_out else 0.0
    if profile.turn_instance_type:
        add(
            "TURN server",
            _ec2_month(profile.turn_instance_type, prices),
            True,
            f"one {profile.turn_instance_type} x {HOURS} h",
        )
        add(
            "TURN server",
            u.relay_gb * billed_share * prices.transfer_out_gb,
            False,
            f"{u.relay_gb:.1f} GB relayed out",
        )

    add(
        "Other",
        profile.secrets * prices.secret_month
        + profile.kms_keys * prices.kms_key_month
        + prices.route53_zone_month
        + profile.image_store_gb * prices.ecr_gb_month,
        True,
        f"Secrets Manager {profile.secrets} secrets, KMS {profile.kms_keys} keys, Route 53 1 zone,"
        f" ECR {profile.image_store_gb:g} GB",
    )
    chime = u.attendee_minutes * prices.chime_attendee_minute
    dynamodb = (
        u.write_units / 1e6 * prices.dynamodb_writes_million
        + u.read_units / 1e6 * prices.dynamodb_reads_million
        + max(0.0, u.stored_gb - prices.free_dynamodb_gb) * prices.dynamodb_gb_month
    )
    transfer = u.app_out_gb * billed_share * prices.transfer_out_gb
    queries = u.dns_queries / 1e6 * prices.route53_queries_million
    secret_calls = u.secret_calls / 1e4 * prices.secret_calls_10k
    add(
        "Other",
        chime + dynamodb + transfer + queries + secret_calls,
        False,
        f"Chime {u.attendee_minutes:.0f} attendee-min ${chime:.2f}, DynamoDB {u.games:.0f} games ${dynamodb:.2f},"
        f" {u.app_out_gb:.1f} GB out ${transfer:.2f}",
    )
    return Bill(profile.name, load, tuple(lines))


def chime_turn_break_even_hours(
    turn_instance_type: str, turn_share: float, prices: Prices = PRICES, traffic: Traffic = TRAFFIC
) -> float:
    """Hours of two-person video a month at which Chime's per-minute bill equals a TURN server's
    (the instance, its volume and address, and the relayed share's egress, none of it free)."""
    server = _ec2_month(turn_instance_type, prices) + HOURS * prices.public_ipv4_hour
    chime_per_hour = 2 * 60 * prices.chime_attendee_minute
    relay_per_hour = turn_share * relay_gb_per_hour(traffic) * prices.transfer_out_gb
    return server / (chime_per_hour - relay_per_hour)


def endpoint_nat_break_even_gb(profile: Profile, prices: Prices = PRICES) -> float:
    """GB a month of AWS API traffic at which the profile's interface endpoints cost what the
    same traffic would cost in NAT gateway data processing."""
    hourly = profile.interface_endpoints * profile.endpoint_azs * HOURS * prices.endpoint_az_hour
    return hourly / (prices.nat_gateway_gb - prices.endpoint_gb)


def games_per_day_for_video_hours(hours: float, load: Load) -> float:
    return hours / (load.video_minutes_per_game / 60) / DAYS


def games_per_day_for_api_gb(gb: float, load: Load, traffic: Traffic = TRAFFIC) -> float:
    return max(0.0, gb - traffic.idle_log_gb) / log_gb_per_game(load, traffic) / DAYS


def break_evens(like: Load, with_endpoints: Profile, prices: Prices = PRICES) -> dict[str, float]:
    """Games per day at which Chime costs what a TURN server does, and at which interface
    endpoints cost what NAT gateway data processing of the same traffic does."""
    hours = chime_turn_break_even_hours(TURN_INSTANCE_TYPE, like.turn_share, prices)
    gb = endpoint_nat_break_even_gb(with_endpoints, prices)
    return {
        "chime_vs_turn": games_per_day_for_video_hours(hours, like),
        "endpoints_vs_nat": games_per_day_for_api_gb(gb, like),
    }
