"""The cost model: the seed's March bill line by line, the profiles, the load, the break-evens."""

from __future__ import annotations

import dataclasses

import pytest

from chesschat.cost.model import (
    break_evens,
    chime_turn_break_even_hours,
    endpoint_nat_break_even_gb,
    games_per_day_for_api_gb,
    games_per_day_for_video_hours,
    month,
)
from chesschat.cost.prices import PRICES
from chesschat.cost.profiles import LEAN, LOADS, PROFILES, SCALE, SEED, TRAFFIC, Load, load_at

# The seed's March bill, pre-tax, as its Cost Model table gives it.
MARCH = {
    "VPC Interface Endpoints": 89.28,
    "NAT Gateway": 33.48,
    "ElastiCache Redis": 23.81,
    "ALB": 16.71,
    "Domain registrar": 15.00,
    "Public IPv4 addresses": 14.85,
    "ECS Fargate": 9.40,
    "CloudWatch": 8.40,
    "Other": 1.32,
}
MARCH_TOTAL = 212.25


def test_seed_idle_month_is_the_march_bill_line_by_line() -> None:
    bill = month(SEED, LOADS["idle"])
    modelled = bill.by_service()
    assert list(modelled) == list(MARCH)
    for service, billed in MARCH.items():
        assert modelled[service] == pytest.approx(billed, rel=0.02), service
    assert bill.total_usd == pytest.approx(MARCH_TOTAL, rel=0.01)
    assert sum(MARCH.values()) == pytest.approx(MARCH_TOTAL)


def test_seed_idle_month_is_almost_all_fixed() -> None:
    bill = month(SEED, LOADS["idle"])
    assert bill.fixed_usd + bill.variable_usd == pytest.approx(bill.total_usd)
    assert bill.variable_usd < 0.10
    # The seed's lesson: the interface endpoints alone are 4 x 3 endpoint-hours an hour.
    (endpoints,) = [line for line in bill.lines if line.service == "VPC Interface Endpoints" and line.fixed]
    assert endpoints.usd == pytest.approx(4 * 3 * 744 * PRICES.endpoint_az_hour)


def test_fargate_line_is_explained_by_deployment_overlap() -> None:
    task_hour = 0.25 * PRICES.fargate_vcpu_hour + 0.5 * PRICES.fargate_gb_hour
    assert 744 * task_hour == pytest.approx(9.18, abs=0.01)  # list price alone: 2.3 % short
    assert (744 + SEED.deploy_overlap_task_hours) * task_hour == pytest.approx(9.40, rel=0.002)


def test_lean_idle_month_without_the_domain_fee_is_at_most_60() -> None:
    bill = month(LEAN, LOADS["idle"])
    assert bill.total_usd - bill.by_service()["Domain registrar"] <= 60.0
    assert bill.by_service()["VPC Interface Endpoints"] == 0.0
    assert "NAT Gateway" not in bill.by_service()


def test_lean_keeps_the_private_tiers_and_costs_less_than_the_seed_at_every_load() -> None:
    for load in LOADS.values():
        assert month(LEAN, load).total_usd < month(SEED, load).total_usd


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Load)])
def test_cost_never_falls_as_load_grows(profile: object, field: str) -> None:
    base = LOADS["club"]
    last = -1.0
    for factor in (0, 0.5, 1, 2, 10, 100):
        value = getattr(base, field) * factor
        if field == "turn_share":
            value = min(1.0, value)
        if isinstance(getattr(base, field), int):
            value = int(value)
        load = dataclasses.replace(base, **{field: value})
        total = month(profile, load).total_usd  # type: ignore[arg-type]
        assert total >= last - 1e-9, (field, factor)
        last = total


@pytest.mark.parametrize("profile", PROFILES.values(), ids=lambda p: p.name)
def test_cost_never_falls_with_more_games(profile: object) -> None:
    totals = [month(profile, load_at(g, LOADS["club"])).total_usd for g in (0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6)]  # type: ignore[arg-type]
    assert totals == sorted(totals)


def test_chime_against_a_turn_server_breaks_even_where_the_prices_say() -> None:
    p = PRICES
    # A t4g.small with its 8 GB volume and address, all month.
    server = 744 * p.ec2_hour["t4g.small"] + 8 * p.ebs_gp3_gb_month + 744 * p.public_ipv4_hour
    # An hour of a two-person call: 120 attendee-minutes on Chime; on TURN, 15 % of calls
    # relayed, each sending 2 x 1.5 Mbit/s out for 3600 s.
    chime_hour = 120 * p.chime_attendee_minute
    relay_hour = 0.15 * (2 * 1.5e6 / 8 * 3600 / 1e9) * p.transfer_out_gb
    hours = server / (chime_hour - relay_hour)
    assert chime_turn_break_even_hours("t4g.small", 0.15) == pytest.approx(hours)
    assert 80 < hours < 100  # the seed put it near 150 hours for a $15-30 instance
    club = LOADS["club"]
    games = hours / (club.video_minutes_per_game / 60) / 31
    assert games_per_day_for_video_hours(hours, club) == pytest.approx(games)
    assert break_evens(club, SCALE)["chime_vs_turn"] == pytest.approx(games)


def test_interface_endpoints_against_nat_data_break_even_where_the_prices_say() -> None:
    p = PRICES
    gb = 4 * 3 * 744 * p.endpoint_az_hour / (p.nat_gateway_gb - p.endpoint_gb)
    assert endpoint_nat_break_even_gb(SCALE) == pytest.approx(gb)
    assert gb == pytest.approx(2550.857, rel=1e-4)
    club = LOADS["club"]
    per_game = (TRAFFIC.log_bytes_per_game + club.moves_per_game * TRAFFIC.log_bytes_per_move) / 1e9
    games = (gb - TRAFFIC.idle_log_gb) / per_game / 31
    assert games_per_day_for_api_gb(gb, club) == pytest.approx(games)
    assert break_evens(club, SCALE)["endpoints_vs_nat"] == pytest.approx(games)


def test_at_the_endpoint_break_even_the_endpoints_cost_what_nat_data_would() -> None:
    club = LOADS["club"]
    games = break_evens(club, SCALE)["endpoints_vs_nat"]
    load = load_at(games, club)
    with_endpoints = month(SCALE, load).by_service()
    without = month(dataclasses.replace(SCALE, interface_endpoints=0), load).by_service()
    with_total = with_endpoints["VPC Interface Endpoints"] + with_endpoints["NAT Gateway"]
    assert with_total == pytest.approx(without["NAT Gateway"], rel=1e-3)


def test_dropping_the_endpoints_saves_their_hours_less_the_nat_data() -> None:
    cheaper = dataclasses.replace(SEED, interface_endpoints=0)
    saved = month(SEED, LOADS["idle"]).total_usd - month(cheaper, LOADS["idle"]).total_usd
    nat_data = TRAFFIC.idle_log_gb * (PRICES.nat_gateway_gb - PRICES.endpoint_gb)
    assert saved == pytest.approx(4 * 3 * 744 * PRICES.endpoint_az_hour - nat_data)
