"""Each profile's terraform.tfvars gives the profile's figure; the reader reads tfvars."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from chesschat.cost import tfvars
from chesschat.cost.model import month
from chesschat.cost.profiles import LOADS, PROFILES, SEED, Profile

ENVIRONMENTS = Path(__file__).resolve().parents[2] / "terraform" / "environments"


def read(environment: str) -> Profile:
    text = (ENVIRONMENTS / environment / "terraform.tfvars").read_text(encoding="utf-8")
    return tfvars.profile(tfvars.parse(text), environment)


@pytest.mark.parametrize("name", ["lean", "scale"])
def test_profile_tfvars_deploy_the_profile(name: str) -> None:
    profile = PROFILES[name]
    deployed = read(name)
    assert dataclasses.replace(deployed, name=name, summary=profile.summary) == profile
    for load in LOADS.values():
        assert month(deployed, load).lines == month(profile, load).lines


def test_dev_tfvars_deploy_the_seeds_infrastructure_with_this_apps_metrics_and_video() -> None:
    dev = read("dev")
    app_level = {"custom_metrics", "alarm_metrics", "kms_keys", "image_store_gb", "video"}
    for field in dataclasses.fields(SEED):
        if field.name not in app_level | {"name", "summary"}:
            assert getattr(dev, field.name) == getattr(SEED, field.name), field.name
    # The seed's app emitted 38 metric series, used Chime and AWS managed keys; this one emits
    # its own metrics, alarms on each table and cache node, has its own KMS key and defaults
    # to WebRTC.
    assert (dev.video, SEED.video) == ("webrtc", "chime")
    assert dev.custom_metrics == tfvars.APP_CUSTOM_METRICS


def test_unset_variables_take_terraforms_defaults() -> None:
    # The dev environment sets the cost variables to their defaults, and names a Google secret.
    assert tfvars.profile({"google_oauth_secret_name": "google"}, "dev") == read("dev")
    assert tfvars.profile({}, "dev").secrets == read("dev").secrets - 1


def test_reader_takes_comments_lists_objects_and_literals() -> None:
    text = """
    # a comment
    a = "x \\"quoted\\" # not a comment"  // trailing
    b = 3
    c = 2.5
    /* block
       comment */
    d = [1, "two",
      true]
    e = { k = "v", "quoted key" = null, nested = { n = [] } }
    f = false
    """
    assert tfvars.parse(text) == {
        "a": 'x "quoted" # not a comment',
        "b": 3,
        "c": 2.5,
        "d": [1, "two", True],
        "e": {"k": "v", "quoted key": None, "nested": {"n": []}},
        "f": False,
    }


@pytest.mark.parametrize("text", ['a = "open', "a = ", "a = [1, 2", "= 1", "a = ${var.x}", "a 1"])
def test_reader_refuses_what_it_does_not_understand(text: str) -> None:
    with pytest.raises(tfvars.TfvarsError):
        tfvars.parse(text)
