"""``chesschat cost``: a month on AWS for a profile (or a tfvars file) at a load."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

import orjson

from chesschat.cost import tfvars
from chesschat.cost.model import Bill, break_evens, month
from chesschat.cost.prices import AS_OF, REGION
from chesschat.cost.profiles import LOADS, PROFILES, SCALE, Load, Profile


def register(sub: Any) -> None:
    cost = sub.add_parser("cost", help="what a month on AWS costs for a deployment profile at a load")
    source = cost.add_mutually_exclusive_group()
    source.add_argument("--profile", choices=sorted(PROFILES), default="seed", help="deployment profile (default seed)")
    source.add_argument("--tfvars", type=Path, metavar="FILE", help="read the deployment from a terraform.tfvars")
    cost.add_argument("--load", choices=list(LOADS), default="idle", help="load preset (default idle)")
    cost.add_argument("--games-per-day", type=float)
    cost.add_argument("--video-minutes", type=float, help="minutes of video per game")
    cost.add_argument("--turn-share", type=float, help="share of video sessions that need TURN (0 to 1)")
    cost.add_argument("--peak-players", type=int, help="players online at the busiest moment")
    cost.add_argument("--moves", type=int, help="average moves per game")
    cost.add_argument("--json", action="store_true", help="print the bill as JSON")
    cost.add_argument("--plot", type=Path, metavar="FILE.png", help="also draw cost against games per day")
    cost.set_defaults(run=_cost)


def _load(args: argparse.Namespace) -> Load:
    overrides = {
        "games_per_day": args.games_per_day,
        "video_minutes_per_game": args.video_minutes,
        "turn_share": args.turn_share,
        "peak_players": args.peak_players,
        "moves_per_game": args.moves,
    }
    return dataclasses.replace(LOADS[args.load], **{k: v for k, v in overrides.items() if v is not None})


def _profile(args: argparse.Namespace) -> Profile:
    if args.tfvars is None:
        return PROFILES[args.profile]
    return tfvars.profile(tfvars.parse(args.tfvars.read_text(encoding="utf-8")), str(args.tfvars))


def as_json(bill: Bill) -> dict[str, Any]:
    return {
        "profile": bill.profile,
        "load": dataclasses.asdict(bill.load),
        "total_usd": round(bill.total_usd, 4),
        "fixed_usd": round(bill.fixed_usd, 4),
        "variable_usd": round(bill.variable_usd, 4),
        "lines": [
            {"service": line.service, "usd": round(line.usd, 4), "fixed": line.fixed, "detail": line.detail}
            for line in bill.lines
        ],
    }


def as_text(bill: Bill, profile: Profile) -> str:
    load = bill.load
    rows = [f"{profile.name}: {profile.summary}"]
    rows.append(
        f"load: {load.games_per_day:g} games/day, {load.video_minutes_per_game:g} min video each, "
        f"{load.turn_share:.0%} via TURN, {load.peak_players} players at peak, {load.moves_per_game} moves/game"
    )
    rows.append(f"{REGION} list prices of {AS_OF}, a 31-day month\n")
    rows.append(f"{'service':<24}{'fixed':>10}{'variable':>10}{'total':>10}  detail")
    services: dict[str, list[float]] = {}
    details: dict[str, list[str]] = {}
    for line in bill.lines:
        fixed, variable = services.setdefault(line.service, [0.0, 0.0])
        services[line.service] = [fixed + line.usd, variable] if line.fixed else [fixed, variable + line.usd]
        details.setdefault(line.service, []).append(line.detail)
    for service, (fixed, variable) in services.items():
        detail = "; ".join(details[service])
        rows.append(f"{service:<24}{fixed:>10.2f}{variable:>10.2f}{fixed + variable:>10.2f}  {detail}")
    rows.append(f"{'total':<24}{bill.fixed_usd:>10.2f}{bill.variable_usd:>10.2f}{bill.total_usd:>10.2f}")
    marks = break_evens(load, SCALE)
    rows.append(
        f"\nbreak-evens at this load's games: Chime = a TURN server at {marks['chime_vs_turn']:,.1f} games/day; "
        f"interface endpoints ({SCALE.interface_endpoints} x {SCALE.endpoint_azs} AZs) = NAT data processing "
        f"at {marks['endpoints_vs_nat']:,.0f} games/day"
    )
    return "\n".join(rows)


def _cost(args: argparse.Namespace) -> int:
    try:
        profile = _profile(args)
    except (OSError, tfvars.TfvarsError, KeyError, TypeError) as error:
        print(f"chesschat cost: cannot read {args.tfvars}: {error}", file=sys.stderr)
        return 2
    load = _load(args)
    try:
        bill = month(profile, load)
    except KeyError as error:
        print(f"chesschat cost: the price table has no price for {error}", file=sys.stderr)
        return 2
    if args.json:
        print(orjson.dumps(as_json(bill), option=orjson.OPT_INDENT_2).decode())
    else:
        print(as_text(bill, profile))
    if args.plot:
        from chesschat.cost.plot import draw

        try:
            others = [] if profile in PROFILES.values() else [profile]
            draw(args.plot, [*PROFILES.values(), *others], load, SCALE)
        except ImportError:
            print("chesschat cost: --plot needs matplotlib: pip install 'chesschat[plot]'", file=sys.stderr)
            return 2
    return 0
