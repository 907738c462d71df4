"""Deployments and loads as data: what a month costs depends on nothing else.

A profile holds what the terraform decides (and the few facts about the application that
the bill depends on); a load what the players do. ``Traffic`` holds the per-game and
per-hour quantities that turn a load into billed units, each named and explained, two of
them read off the seed's March bill where list prices alone do not explain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

HOURS = 744
"""Hours in the month modelled: 31 days, the seed's March and the longest month, so a
budget set from it holds in every month."""
DAYS = HOURS / 24

NatMode = Literal["single", "per_az", "instance"]
Video = Literal["chime", "webrtc"]


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str
    azs: int
    nat: NatMode
    """single / per_az NAT gateways, or one NAT instance."""
    nat_instance_type: str
    interface_endpoints: int
    endpoint_azs: int
    cache_node_type: str
    cache_nodes: int
    task_vcpu: float
    task_memory_gib: float
    tasks: int
    """Tasks the service keeps all month (desired count, the autoscaling floor)."""
    max_tasks: int
    video: Video
    turn_instance_type: str | None
    """The coturn server's instance type, or None when there is none."""
    custom_metrics: int
    alarm_metrics: int
    secrets: int
    kms_keys: int
    """Customer managed KMS keys (the seed encrypted with AWS managed keys, which are free)."""
    image_store_gb: float
    """ECR storage of the images kept (the lifecycle policy keeps ten)."""
    deploy_overlap_task_hours: float
    """Task-hours per baseline task beyond the month's hours: a rolling deploy runs the old
    and the new task side by side until the new one is healthy and the old one drained.
    The seed billed $9.40 for one 0.25 vCPU / 512 MiB task, $9.18 at list price for 744
    hours: the difference is 18 task-hours."""


@dataclass(frozen=True)
class Load:
    games_per_day: float
    video_minutes_per_game: float
    turn_share: float
    """Share of video sessions that need a TURN relay (strict NATs on either side)."""
    peak_players: int
    """Players online at the busiest moment: what the task count is sized for."""
    moves_per_game: int


@dataclass(frozen=True)
class Traffic:
    idle_log_gb: float = 1.67
    """Log data the tasks send to CloudWatch a month with nobody playing (start-up, health
    checks, metric records). The seed's interface endpoints carried 1.67 GB in March."""
    idle_internet_gb: float = 0.025
    """Internet-bound bytes from the tasks at idle (key sets, package indexes): the seed's
    NAT gateway processed 0.025 GB in March."""
    seconds_per_move: float = 15.0
    """Average time between moves of a game, so a game lasts moves x this."""
    moves_per_core_second: float = 1087.0
    """Moves one process on one core serves at saturation (bench/results/1-process.json)."""
    target_cpu: float = 0.6
    """The autoscaling policy's CPU target: tasks are sized to run at this share of their CPU."""
    peak_hours_per_day: float = 4.0
    """Hours a day the service runs above its baseline to carry the peak."""
    wire_bytes_per_move: int = 1_000
    """WebSocket bytes out per move: the move_made frame to both players, with TLS framing."""
    api_bytes_per_game: int = 100_000
    """HTTP API bytes out per game: sign-in, profile, history, the finished record."""
    new_connections_per_game: int = 10
    log_bytes_per_move: int = 400
    log_bytes_per_game: int = 4_000
    game_record_bytes: int = 1_000
    game_record_bytes_per_move: int = 150
    """A finished game's item: moves, FEN history and PGN grow with each move."""
    reads_per_game: int = 20
    """Read units a game brings: the lobby, profiles and the history page."""
    records_kept_months: float = 12.0
    """Months of finished games held in DynamoDB at this rate."""
    secret_reads_per_secret: int = 100
    """Secrets Manager reads a month per secret: every task start and token refresh."""
    video_mbps: float = 1.5
    """One direction of a video call; a TURN relay sends both directions out again."""
    dns_queries_per_video_session: int = 2
    """Lookups of the TURN host name (a plain record, billed; the API's alias is free)."""


TRAFFIC = Traffic()

SEED = Profile(
    name="seed",
    summary="The seed's dev environment in March: 3 AZs, 4 interface endpoints in each, one NAT gateway, "
    "a cache.t4g.micro primary and replica, one 0.25 vCPU / 512 MiB task, Chime video.",
    azs=3,
    nat="single",
    nat_instance_type="t4g.nano",
    interface_endpoints=4,
    endpoint_azs=3,
    cache_node_type="cache.t4g.micro",
    cache_nodes=2,
    task_vcpu=0.25,
    task_memory_gib=0.5,
    tasks=1,
    max_tasks=4,
    video="chime",
    turn_instance_type=None,
    # 38 metric series: 28 beyond the free ten, the 28 the bill charges $0.30 each.
    custom_metrics=38,
    # The seed's seven alarms, inside the free ten.
    alarm_metrics=7,
    secrets=2,
    kms_keys=0,
    image_store_gb=0.05,
    deploy_overlap_task_hours=18.0,
)

LEAN = Profile(
    name="lean",
    summary="The same trust chain (private app and data tiers, no inbound path) with the cheapest always-on "
    "parts: 2 AZs, no interface endpoints, a NAT instance, one cache node, Chime video.",
    azs=2,
    nat="instance",
    nat_instance_type="t4g.nano",
    interface_endpoints=0,
    endpoint_azs=1,
    cache_node_type="cache.t4g.micro",
    cache_nodes=1,
    task_vcpu=0.25,
    task_memory_gib=0.5,
    tasks=1,
    max_tasks=2,
    video="chime",
    turn_instance_type=None,
    custom_metrics=11,
    alarm_metrics=26,
    secrets=1,
    kms_keys=1,
    image_store_gb=1.0,
    deploy_overlap_task_hours=18.0,
)

SCALE = Profile(
    name="scale",
    summary="Production at load: 3 AZs with a NAT gateway and 4 interface endpoints in each, a cache.t4g.medium "
    "primary and replica, 2 to 10 autoscaled 0.5 vCPU / 1 GiB tasks, WebRTC video with a TURN server.",
    azs=3,
    nat="per_az",
    nat_instance_type="t4g.nano",
    interface_endpoints=4,
    endpoint_azs=3,
    cache_node_type="cache.t4g.medium",
    cache_nodes=2,
    task_vcpu=0.5,
    task_memory_gib=1.0,
    tasks=2,
    max_tasks=10,
    video="webrtc",
    turn_instance_type="t4g.small",
    custom_metrics=11,
    alarm_metrics=27,
    secrets=2,
    kms_keys=1,
    image_store_gb=1.0,
    deploy_overlap_task_hours=18.0,
)

PROFILES: Mapping[str, Profile] = MappingProxyType({p.name: p for p in (SEED, LEAN, SCALE)})

LOADS: Mapping[str, Load] = MappingProxyType(
    {
        # The seed's March: its developer, alone, a few short test games with video.
        "idle": Load(games_per_day=0.1, video_minutes_per_game=3, turn_share=0.15, peak_players=2, moves_per_game=40),
        # A club: a hundred games a day, most with video.
        "club": Load(games_per_day=100, video_minutes_per_game=20, turn_share=0.15, peak_players=40, moves_per_game=40),
        "busy": Load(
            games_per_day=5_000, video_minutes_per_game=20, turn_share=0.15, peak_players=2_000, moves_per_game=40
        ),
    }
)


def load_at(games_per_day: float, like: Load) -> Load:
    """``like`` scaled to ``games_per_day``: the same games, peak in proportion."""
    peak = max(2, round(like.peak_players * games_per_day / like.games_per_day))
    return Load(
        games_per_day=games_per_day,
        video_minutes_per_game=like.video_minutes_per_game,
        turn_share=like.turn_share,
        peak_players=peak,
        moves_per_game=like.moves_per_game,
    )
