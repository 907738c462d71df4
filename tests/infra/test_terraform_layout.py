"""The terraform/ tree: the designed modules, every module complete, every input wired."""

from __future__ import annotations

import re

import pytest

from tests.infra import hcl

DESIGNED_MODULES = {
    "vpc",
    "ecs",
    "ecs_compute",
    "alb",
    "dynamodb",
    "elasticache",
    "cognito",
    "route53",
    "monitoring",
    "static_edge",
    "github_actions_oidc",
}
META_ARGUMENTS = {"source", "count", "for_each", "providers", "depends_on", "version"}
ENUMERATIONS = {
    "nat_gateway_mode",
    "environment",
    "video_provider",
    "mfa_configuration",
    "price_class",
    "interface_endpoints",
    "task_cpu",
    "region",
}


def all_modules() -> list[hcl.Module]:
    return [hcl.root()] + [hcl.module(n) for n in hcl.module_names()]


def test_terraform_tree_is_the_designed_modules_plus_coturn() -> None:
    assert set(hcl.module_names()) == DESIGNED_MODULES | {"coturn"}
    for name in ("main.tf", "backend.tf", "versions.tf", "variables.tf", "outputs.tf"):
        assert (hcl.TERRAFORM / name).is_file(), name
    assert (hcl.TERRAFORM / "environments" / "dev" / "terraform.tfvars").is_file()


@pytest.mark.parametrize("name", sorted(DESIGNED_MODULES | {"coturn"}))
def test_module_has_main_variables_outputs_versions(name: str) -> None:
    for filename in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (hcl.MODULES / name / filename).is_file(), f"{name}/{filename}"


def test_backend_is_s3_with_native_locking_and_encryption() -> None:
    (terraform,) = [b for b in hcl.root().blocks["terraform"] if "backend" in b]
    s3 = terraform["backend"][0]["s3"]
    assert s3["use_lockfile"] is True
    assert s3["encrypt"] is True
    assert s3["key"] == "dev/terraform.tfstate"
    # The bucket (named after the account id) is given at init, never hard-coded here.
    assert "bucket" not in s3
    assert "chesschat-tfstate-<account-id>-" in hcl.root().text("backend.tf")


@pytest.mark.parametrize("mod", all_modules(), ids=lambda m: m.name)
def test_terraform_and_provider_versions_are_pinned_with_an_upper_bound(mod: hcl.Module) -> None:
    (settings,) = [b for b in mod.blocks["terraform"] if "required_providers" in b]
    assert re.fullmatch(r">= 1\.1\d\.\d+, < 2\.0\.0", settings["required_version"])
    for providers in settings["required_providers"]:
        for name, spec in providers.items():
            if name.startswith("__"):
                continue
            assert re.fullmatch(r">= [\d.]+, < [\d.]+", spec["version"]), f"{mod.name}: {name}"


@pytest.mark.parametrize("mod", all_modules(), ids=lambda m: m.name)
def test_every_variable_is_typed_and_described(mod: hcl.Module) -> None:
    assert mod.variables, mod.name
    for name, body in mod.variables.items():
        assert body.get("type"), f"{mod.name}: variable {name} has no type"
        assert body["type"] != "${any}", f"{mod.name}: variable {name} is typed any"
        assert len(body.get("description", "")) > 10, f"{mod.name}: variable {name} has no description"


@pytest.mark.parametrize("mod", all_modules(), ids=lambda m: m.name)
def test_enumeration_and_cidr_variables_are_validated(mod: hcl.Module) -> None:
    for name, body in mod.variables.items():
        if "cidr" in name or name in ENUMERATIONS:
            assert body.get("validation"), f"{mod.name}: variable {name} has no validation block"


@pytest.mark.parametrize("mod", all_modules(), ids=lambda m: m.name)
def test_every_output_is_described(mod: hcl.Module) -> None:
    for name, body in mod.outputs.items():
        assert body.get("description"), f"{mod.name}: output {name} has no description"


TAGGABLE = {
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_eip",
    "aws_vpc_endpoint",
    "aws_security_group",
    "aws_flow_log",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_ecr_repository",
    "aws_lb",
    "aws_lb_target_group",
    "aws_lb_listener",
    "aws_acm_certificate",
    "aws_dynamodb_table",
    "aws_elasticache_replication_group",
    "aws_cognito_user_pool",
    "aws_s3_bucket",
    "aws_cloudfront_distribution",
    "aws_kms_key",
    "aws_sns_topic",
    "aws_iam_role",
    "aws_instance",
    "aws_secretsmanager_secret",
    "aws_cloudwatch_log_group",
    "aws_cloudtrail",
    "aws_route53_zone",
}


@pytest.mark.parametrize("mod", all_modules(), ids=lambda m: m.name)
def test_every_taggable_resource_carries_the_module_tags(mod: hcl.Module) -> None:
    for rtype, name, body in mod.all_resources():
        if rtype in TAGGABLE:
            assert "var.tags" in str(body.get("tags")), f"{mod.name}: {rtype}.{name} does not merge var.tags"


def test_every_module_input_is_wired_from_an_output_variable_or_local() -> None:
    root = hcl.root()
    calls = root.module_calls
    assert set(calls) == DESIGNED_MODULES | {"coturn"}
    for call_name, call in calls.items():
        target = hcl.load((hcl.TERRAFORM / call["source"]).resolve())
        declared = target.variables
        given = {k for k in call if k not in META_ARGUMENTS and not k.startswith("__")}
        assert given <= set(declared), f"{call_name}: unknown inputs {given - set(declared)}"
        required = {n for n, v in declared.items() if "default" not in v}
        assert required <= given, f"{call_name}: missing required inputs {required - given}"
        for arg in given:
            for kind, name, attr in hcl.references(call[arg]):
                where = f"module.{call_name}.{arg}"
                if kind == "var":
                    assert name in root.variables, f"{where}: var.{name} is not declared"
                elif kind == "local":
                    assert name in root.locals, f"{where}: local.{name} is not defined"
                else:
                    assert name in calls, f"{where}: module.{name} is not called"
                    source = (hcl.TERRAFORM / calls[name]["source"]).resolve()
                    if attr is not None:  # None: the module object itself, e.g. in a for expression
                        assert attr in hcl.load(source).outputs, f"{where}: module.{name} has no output {attr}"


def test_root_locals_and_outputs_reference_only_existing_outputs() -> None:
    root = hcl.root()
    for value in [root.locals, root.outputs]:
        for kind, name, attr in hcl.references(value):
            if kind == "module":
                source = (hcl.TERRAFORM / root.module_calls[name]["source"]).resolve()
                assert attr is None or attr in hcl.load(source).outputs, f"module.{name}.{attr} does not exist"
            elif kind == "var":
                assert name in root.variables, f"var.{name} is not declared"
            else:
                assert name in root.locals, f"local.{name} is not defined"


@pytest.mark.parametrize("name", sorted(DESIGNED_MODULES | {"coturn"}))
def test_module_body_references_only_its_own_variables_and_locals(name: str) -> None:
    mod = hcl.module(name)
    for kind, ref, _ in hcl.references(
        mod.blocks.get("resource", [])
        + mod.blocks.get("data", [])
        + mod.blocks.get("output", [])
        + mod.blocks.get("locals", [])
    ):
        if kind == "var":
            assert ref in mod.variables, f"{name}: var.{ref} is not declared"
        elif kind == "local":
            assert ref in mod.locals, f"{name}: local.{ref} is not defined"


def test_dev_tfvars_set_declared_variables_and_all_required_ones() -> None:
    with (hcl.TERRAFORM / "environments" / "dev" / "terraform.tfvars").open(encoding="utf-8") as f:
        tfvars = hcl.hcl2.load(f, serialization_options=hcl._OPTIONS)
    tfvars = {k: v for k, v in tfvars.items() if not k.startswith("__")}
    declared = hcl.root().variables
    assert set(tfvars) <= set(declared), set(tfvars) - set(declared)
    required = {n for n, v in declared.items() if "default" not in v}
    assert required <= set(tfvars), required - set(tfvars)
    assert tfvars["environment"] == "dev"


def test_wiring_breaks_the_security_group_redis_cycle() -> None:
    calls = hcl.root().module_calls
    # The task SG is created in ecs and read by both elasticache and ecs_compute.
    assert hcl.module("ecs").resources("aws_security_group")
    assert not hcl.module("ecs_compute").resources("aws_security_group")
    assert calls["elasticache"]["fargate_sg_id"] == "${module.ecs.fargate_task_sg_id}"
    assert calls["elasticache"]["private_data_subnet_ids"] == "${module.vpc.private_data_subnet_ids}"
    assert calls["ecs_compute"]["fargate_task_sg_id"] == "${module.ecs.fargate_task_sg_id}"
    # ecs_compute starts the tasks with the Redis endpoint and its AUTH secret.
    env = hcl.root().locals["app_environment"]
    assert "module.elasticache.primary_endpoint" in env
    assert "module.elasticache.auth_token_secret_arn" in env
    assert calls["ecs_compute"]["app_environment"] == "${local.app_environment}"


def test_every_checkov_skip_sits_on_its_resource_with_a_reason() -> None:
    skips = []
    for tf in sorted(hcl.TERRAFORM.rglob("*.tf")):
        for line in tf.read_text(encoding="utf-8").splitlines():
            if "checkov:skip" in line:
                match = re.fullmatch(r"\s*# checkov:skip=(CKV2?_[A-Z]+_\d+):(.+)", line)
                assert match, f"{tf.name}: malformed skip: {line.strip()}"
                assert len(match.group(2).split()) >= 8, f"{tf.name}: {match.group(1)} needs a real reason"
                skips.append(match.group(1))
    assert skips
    # No check is switched off wholesale.
    config = (hcl.REPO / ".checkov.yaml").read_text(encoding="utf-8")
    assert "skip-check" not in config and "soft-fail" not in config
