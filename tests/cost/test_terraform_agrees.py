"""The cost model's copies of terraform and application facts match their sources."""

from __future__ import annotations

import pytest

from chesschat.adapters.metrics import NAMES
from chesschat.cost import model, tfvars
from tests.infra import hcl


def test_defaults_are_the_root_variables_defaults() -> None:
    variables = hcl.root().variables
    for name, default in tfvars.DEFAULTS.items():
        assert variables[name]["default"] == default, name


@pytest.mark.parametrize("environment", ["dev", "lean", "scale"])
def test_reader_reads_each_environment_as_hcl_does(environment: str) -> None:
    path = hcl.TERRAFORM / "environments" / environment / "terraform.tfvars"
    with path.open(encoding="utf-8") as f:
        expected = {
            k: v for k, v in hcl.hcl2.load(f, serialization_options=hcl._OPTIONS).items() if not k.startswith("__")
        }
    assert tfvars.parse(path.read_text(encoding="utf-8")) == expected


def test_application_facts_match_the_app_and_the_modules() -> None:
    assert len(NAMES) == tfvars.APP_CUSTOM_METRICS
    dynamodb = hcl.module("dynamodb")
    assert len(dynamodb.locals["tables"]) == tfvars.DYNAMODB_TABLES
    assert len(hcl.module("monitoring").locals["alarms"]) == tfvars.SINGLE_METRIC_ALARMS
    keys = [(name, key) for name in hcl.module_names() for key in hcl.module(name).resources("aws_kms_key")]
    assert len(keys) == tfvars.KMS_KEYS, keys
    coturn = hcl.module("coturn")
    assert coturn.variables["instance_type"]["default"] == tfvars.TURN_INSTANCE_TYPE
    (volume,) = coturn.resource("aws_instance", "this")["root_block_device"]
    assert volume["volume_size"] == model.EC2_VOLUME_GB
    assert coturn.resource("aws_instance", "this")["monitoring"] is True  # detailed: billed metrics
    (mapping,) = hcl.module("vpc").resource("aws_launch_template", "nat")["block_device_mappings"]
    assert mapping["ebs"][0]["volume_size"] == model.EC2_VOLUME_GB
    assert "monitoring" not in hcl.module("vpc").resource("aws_launch_template", "nat")
