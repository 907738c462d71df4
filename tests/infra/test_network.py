"""The VPC: the designed CIDRs, three tiers with their own route tables, the SG chain."""

from __future__ import annotations

import ipaddress

from tests.infra import hcl

DESIGNED_VPC = "10.20.0.0/16"
DESIGNED_TIERS = {
    "public_subnet_cidrs": ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"],
    "private_app_subnet_cidrs": ["10.20.48.0/20", "10.20.64.0/20", "10.20.80.0/20"],
    "private_data_subnet_cidrs": ["10.20.96.0/20", "10.20.112.0/20", "10.20.128.0/20"],
}
RULE_TYPES = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")


def dev_tfvars() -> dict[str, object]:
    with (hcl.TERRAFORM / "environments" / "dev" / "terraform.tfvars").open(encoding="utf-8") as f:
        return dict(hcl.hcl2.load(f, serialization_options=hcl._OPTIONS))


def test_vpc_is_three_tiers_of_three_20s_in_10_20() -> None:
    variables = hcl.root().variables
    tfvars = dev_tfvars()
    assert variables["vpc_cidr"]["default"] == tfvars["vpc_cidr"] == DESIGNED_VPC
    vpc = ipaddress.ip_network(DESIGNED_VPC)
    subnets = []
    for name, cidrs in DESIGNED_TIERS.items():
        assert variables[name]["default"] == tfvars[name] == cidrs, name
        subnets += [ipaddress.ip_network(c) for c in cidrs]
    assert all(s.prefixlen == 20 and s.subnet_of(vpc) for s in subnets)
    assert all(not a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])
    assert len(tfvars["availability_zones"]) == 3


def test_cidr_validation_rejects_what_is_not_a_cidr() -> None:
    for name in ["vpc_cidr", *DESIGNED_TIERS]:
        (validation,) = hcl.root().variables[name]["validation"]
        assert "cidrhost(" in validation["condition"], name


def test_nat_gateway_mode_is_single_per_az_or_instance() -> None:
    for mod in (hcl.root(), hcl.module("vpc")):
        variable = mod.variables["nat_gateway_mode"]
        assert variable["default"] == "single"
        (validation,) = variable["validation"]
        assert 'contains(["single", "per_az", "instance"], var.nat_gateway_mode)' in validation["condition"]
    vpc = hcl.module("vpc")
    assert vpc.locals["nat_instance"] == '${var.nat_gateway_mode == "instance"}'
    assert vpc.locals["nat_count"] == (
        '${var.nat_gateway_mode == "per_az" ? local.az_count : local.nat_instance ? 0 : 1}'
    )
    assert vpc.resource("aws_nat_gateway", "this")["count"] == "${local.nat_count}"
    assert vpc.resource("aws_eip", "nat")["count"] == "${local.nat_count}"
    assert vpc.locals["nat_instance_count"] == "${local.nat_instance ? 1 : 0}"
    assert hcl.root().module_calls["vpc"]["nat_instance_type"] == "${var.nat_instance_type}"


def test_nat_instance_forwards_from_a_fixed_interface_and_heals_itself() -> None:
    vpc = hcl.module("vpc")
    eni = vpc.resource("aws_network_interface", "nat")
    assert eni["source_dest_check"] is False
    assert eni["subnet_id"] == "${aws_subnet.public[0].id}"
    assert eni["security_groups"] == ["${aws_security_group.nat_instance[0].id}"]
    assert vpc.resource("aws_eip", "nat_instance")["network_interface"] == "${aws_network_interface.nat[0].id}"
    template = vpc.resource("aws_launch_template", "nat")
    (interface,) = template["network_interfaces"]
    assert interface == {"network_interface_id": "${aws_network_interface.nat[0].id}", "device_index": 0}
    assert template["metadata_options"][0]["http_tokens"] == "required"
    assert template["block_device_mappings"][0]["ebs"][0]["encrypted"] is True
    assert "nat_instance.sh.tftpl" in template["user_data"]
    script = (hcl.MODULES / "vpc" / "nat_instance.sh.tftpl").read_text(encoding="utf-8")
    assert "net.ipv4.ip_forward = 1" in script
    assert "-t nat -A POSTROUTING -s ${vpc_cidr}" in script and "MASQUERADE" in script
    group = vpc.resource("aws_autoscaling_group", "nat")
    assert (group["min_size"], group["max_size"], group["desired_capacity"]) == (1, 1, 1)
    assert group["vpc_zone_identifier"] == ["${aws_subnet.public[0].id}"]
    assert group["launch_template"][0]["id"] == "${aws_launch_template.nat[0].id}"


def test_nat_instance_takes_https_from_the_app_tier_only() -> None:
    vpc = hcl.module("vpc")
    ingress = vpc.resource("aws_vpc_security_group_ingress_rule", "nat_instance_https")
    assert ingress["for_each"] == "${local.nat_instance ? toset(var.private_app_subnet_cidrs) : toset([])}"
    assert ingress["cidr_ipv4"] == "${each.key}"
    assert (ingress["ip_protocol"], ingress["from_port"], ingress["to_port"]) == ("tcp", 443, 443)
    ingress_rules = [
        body
        for rtype, _, body in vpc.all_resources()
        if rtype == "aws_vpc_security_group_ingress_rule" and "nat_instance" in str(body["security_group_id"])
    ]
    assert ingress_rules == [ingress]
    egress = vpc.resource("aws_vpc_security_group_egress_rule", "nat_instance_https")
    assert (egress["ip_protocol"], egress["from_port"], egress["to_port"]) == ("tcp", 443, 443)


def test_each_tier_has_its_own_route_tables() -> None:
    vpc = hcl.module("vpc")
    for tier in ("public", "private_app", "private_data"):
        association = vpc.resource("aws_route_table_association", tier)
        assert association["subnet_id"].startswith(f"${{aws_subnet.{tier}[")
        assert association["route_table_id"].startswith(f"${{aws_route_table.{tier}")


def test_public_tier_routes_to_the_internet_gateway() -> None:
    (route,) = hcl.module("vpc").resource("aws_route_table", "public")["route"]
    assert route["cidr_block"] == "0.0.0.0/0"
    assert route["gateway_id"] == "${aws_internet_gateway.this.id}"


def test_private_app_tier_goes_out_through_nat_only() -> None:
    (route,) = hcl.module("vpc").resource("aws_route_table", "private_app")["route"]
    assert route["cidr_block"] == "0.0.0.0/0"
    # A NAT gateway, or the NAT instance's interface: one of the two, never an internet gateway.
    assert route["nat_gateway_id"].startswith("${local.nat_instance ? null : aws_nat_gateway.this[")
    assert route["network_interface_id"] == "${local.nat_instance ? aws_network_interface.nat[0].id : null}"
    assert "gateway_id" not in route


def test_data_subnets_have_no_route_to_the_internet() -> None:
    vpc = hcl.module("vpc")
    assert "route" not in vpc.resource("aws_route_table", "private_data")
    # No separate route resource may add one either, anywhere.
    for name in hcl.module_names():
        assert not hcl.module(name).resources("aws_route"), name
    for rtype, name, body in vpc.all_resources():
        if rtype == "aws_vpc_endpoint":
            assert "private_data" not in str(body.get("route_table_ids", "")), name


def test_subnets_give_no_automatic_public_addresses() -> None:
    vpc = hcl.module("vpc")
    assert vpc.resource("aws_subnet", "public")["map_public_ip_on_launch"] is False
    for tier in ("private_app", "private_data"):
        assert vpc.resource("aws_subnet", tier).get("map_public_ip_on_launch", False) is False


def test_gateway_endpoints_s3_and_dynamodb_serve_the_app_tier() -> None:
    endpoint = hcl.module("vpc").resource("aws_vpc_endpoint", "gateway")
    assert endpoint["for_each"] == '${toset(["s3", "dynamodb"])}'
    assert endpoint["vpc_endpoint_type"] == "Gateway"
    assert endpoint["route_table_ids"] == "${aws_route_table.private_app[*].id}"


def test_interface_endpoints_and_their_az_count_are_settings() -> None:
    vpc = hcl.module("vpc")
    assert vpc.variables["interface_endpoints"]["default"] == ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
    assert vpc.variables["interface_endpoint_az_count"]["default"] == 3
    endpoint = vpc.resource("aws_vpc_endpoint", "interface")
    assert endpoint["for_each"] == "${toset(var.interface_endpoints)}"
    assert "var.interface_endpoint_az_count" in endpoint["subnet_ids"]
    assert "aws_subnet.private_app" in endpoint["subnet_ids"]
    calls = hcl.root().module_calls["vpc"]
    assert calls["interface_endpoints"] == "${var.interface_endpoints}"
    assert calls["interface_endpoint_az_count"] == "${var.interface_endpoint_az_count}"


def test_security_groups_carry_no_inline_rules() -> None:
    # Every rule is its own resource, so the chain below is the whole truth.
    for name in hcl.module_names():
        mod = hcl.module(name)
        assert not mod.resources("aws_security_group_rule"), name
        for sg_name, sg in mod.resources("aws_security_group").items():
            assert "ingress" not in sg and "egress" not in sg, f"{name}: {sg_name}"


def rules_on(module_name: str, sg_expression: str, rule_type: str) -> list[dict[str, object]]:
    mod = hcl.module(module_name)
    return [r for r in mod.resources(rule_type).values() if r["security_group_id"] == sg_expression]


def test_chain_internet_to_alb_on_443_and_80_only() -> None:
    ingress = rules_on("alb", "${aws_security_group.this.id}", RULE_TYPES[0])
    assert sorted((r["from_port"], r["to_port"], r["cidr_ipv4"]) for r in ingress) == [
        (80, 80, "0.0.0.0/0"),
        (443, 443, "0.0.0.0/0"),
    ]


def test_chain_alb_sends_only_to_the_task_security_group() -> None:
    (egress,) = rules_on("alb", "${aws_security_group.this.id}", RULE_TYPES[1])
    assert egress["referenced_security_group_id"] == "${var.fargate_task_sg_id}"
    assert egress["from_port"] == egress["to_port"] == "${var.container_port}"
    assert "cidr_ipv4" not in egress
    assert hcl.root().module_calls["alb"]["fargate_task_sg_id"] == "${module.ecs.fargate_task_sg_id}"


def test_chain_task_accepts_8080_only_from_the_alb_security_group() -> None:
    task_sg = "${var.fargate_task_sg_id}"
    (ingress,) = rules_on("ecs_compute", task_sg, RULE_TYPES[0])
    assert ingress["referenced_security_group_id"] == "${var.alb_sg_id}"
    assert ingress["from_port"] == ingress["to_port"] == "${var.container_port}"
    assert "cidr_ipv4" not in ingress and "cidr_ipv6" not in ingress
    # Nothing else opens the task SG.
    assert not hcl.module("ecs").resources(RULE_TYPES[0])
    calls = hcl.root().module_calls
    assert calls["ecs_compute"]["alb_sg_id"] == "${module.alb.alb_sg_id}"
    assert calls["ecs_compute"]["container_port"] == calls["alb"]["container_port"] == "${local.container_port}"
    assert hcl.root().locals["container_port"] == 8080


def test_chain_redis_accepts_6379_only_from_the_task_security_group() -> None:
    elasticache = hcl.module("elasticache")
    ingress = list(elasticache.resources(RULE_TYPES[0]).values())
    assert len(ingress) == 1
    (rule,) = ingress
    assert rule["security_group_id"] == "${aws_security_group.this.id}"
    assert rule["referenced_security_group_id"] == "${var.fargate_sg_id}"
    assert rule["from_port"] == rule["to_port"] == 6379
    assert not {"cidr_ipv4", "cidr_ipv6", "prefix_list_id"} & set(rule)
    # Redis needs no egress at all.
    assert not elasticache.resources(RULE_TYPES[1])
    # The task side of the link: egress to the Redis SG, by reference.
    (to_redis,) = [r for r in rules_on("ecs_compute", "${var.fargate_task_sg_id}", RULE_TYPES[1])]
    assert to_redis["referenced_security_group_id"] == "${var.redis_sg_id}"
    assert to_redis["from_port"] == 6379
    assert hcl.root().module_calls["ecs_compute"]["redis_sg_id"] == "${module.elasticache.redis_sg_id}"


def test_only_the_alb_and_the_turn_server_are_open_to_the_internet() -> None:
    open_to_world = set()
    for name in hcl.module_names():
        for rule_name, rule in hcl.module(name).resources(RULE_TYPES[0]).items():
            if rule.get("cidr_ipv4") == "0.0.0.0/0" or rule.get("cidr_ipv6") == "::/0":
                open_to_world.add((name, rule_name))
    assert open_to_world == {("alb", "https"), ("alb", "http"), ("coturn", "listen"), ("coturn", "relay")}


def test_flow_logs_capture_all_traffic_for_30_days() -> None:
    vpc = hcl.module("vpc")
    assert vpc.resource("aws_flow_log", "this")["traffic_type"] == "ALL"
    assert vpc.resource("aws_cloudwatch_log_group", "flow_logs")["retention_in_days"] == (
        "${var.flow_log_retention_days}"
    )
    assert vpc.variables["flow_log_retention_days"]["default"] == 30
    assert hcl.root().variables["log_retention_days"]["default"] == 30
    assert hcl.root().module_calls["vpc"]["flow_log_retention_days"] == "${var.log_retention_days}"
