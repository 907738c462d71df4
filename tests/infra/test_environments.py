"""The environments' tfvars: each sets declared variables and the required ones; the lean
one deploys the cheapest always-on parts behind the same modules, so the same trust chain."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra import hcl

ENVIRONMENTS = ["dev", "lean", "scale"]


def tfvars(environment: str) -> dict[str, Any]:
    with (hcl.TERRAFORM / "environments" / environment / "terraform.tfvars").open(encoding="utf-8") as f:
        parsed = hcl.hcl2.load(f, serialization_options=hcl._OPTIONS)
    return {k: v for k, v in parsed.items() if not k.startswith("__")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_tfvars_set_declared_variables_and_all_required_ones(environment: str) -> None:
    values = tfvars(environment)
    declared = hcl.root().variables
    assert set(values) <= set(declared), set(values) - set(declared)
    required = {n for n, v in declared.items() if "default" not in v}
    assert required <= set(values), required - set(values)
    assert len(values["availability_zones"]) == len(values["public_subnet_cidrs"])
    assert len(values["availability_zones"]) == len(values["private_app_subnet_cidrs"])
    assert len(values["availability_zones"]) == len(values["private_data_subnet_cidrs"])


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_tfvars_choose_values_the_variables_accept(environment: str) -> None:
    values = tfvars(environment)
    assert values.get("nat_gateway_mode", "single") in {"single", "per_az", "instance"}
    assert values.get("video_provider", "webrtc") in {"webrtc", "chime"}
    assert 2 <= len(values["availability_zones"]) <= 3
    assert 1 <= values.get("interface_endpoint_az_count", 3) <= 3
    assert 0 <= values.get("redis_replica_count", 1) <= 5


def test_lean_drops_the_always_on_costs() -> None:
    lean = tfvars("lean")
    assert lean["nat_gateway_mode"] == "instance"
    assert lean["interface_endpoints"] == []
    assert lean["redis_replica_count"] == 0
    assert len(lean["availability_zones"]) == 2
    assert lean["coturn_enabled"] is False


def test_lean_keeps_the_dev_subnets_so_the_tiers_are_the_same() -> None:
    dev, lean = tfvars("dev"), tfvars("lean")
    for tier in ("public_subnet_cidrs", "private_app_subnet_cidrs", "private_data_subnet_cidrs"):
        assert lean[tier] == dev[tier][:2], tier
    assert lean["vpc_cidr"] == dev["vpc_cidr"]
