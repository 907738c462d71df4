"""The container image and the GitHub workflows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.infra import hcl

WORKFLOWS = sorted((hcl.REPO / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def dockerfile() -> list[str]:
    """Dockerfile instructions, continuation lines joined, comments dropped."""
    text = (hcl.REPO / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def final_stage() -> list[str]:
    lines = dockerfile()
    last_from = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last_from:]


def load(path: Path) -> dict[Any, Any]:
    parsed = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(parsed, dict)
    return parsed


def test_image_is_multi_stage_on_slim_python() -> None:
    froms = [line for line in dockerfile() if line.startswith("FROM ")]
    assert len(froms) >= 2
    assert re.fullmatch(r"FROM python:3\.11\.\d+-slim-bookworm AS runtime", final_stage()[0])
    # The final stage copies the built environment; it compiles nothing itself.
    assert not any(line.startswith("RUN pip") for line in final_stage())


def test_image_build_fails_if_the_command_cannot_start_on_runtime_dependencies() -> None:
    stage = final_stage()
    checks = [i for i, line in enumerate(stage) if line.startswith("RUN chesschat --help")]
    copied = [i for i, line in enumerate(stage) if line.startswith("COPY --from=build")]
    assert checks and copied and checks[0] > copied[0]


def test_image_has_debians_stockfish_for_game_reviews() -> None:
    stage = final_stage()
    (install,) = [line for line in stage if "apt-get install" in line]
    assert "stockfish" in install.split() and "--no-install-recommends" in install
    assert "rm -rf /var/lib/apt/lists/*" in install  # no package lists left in the image
    env = " ".join(line for line in stage if line.startswith("ENV "))
    assert "CHESSCHAT_REVIEW_ENGINE_PATH=/usr/games/stockfish" in env


def test_image_runs_as_a_non_root_user() -> None:
    (user,) = [line for line in final_stage() if line.startswith("USER ")]
    uid = user.split()[1].split(":")[0]
    assert uid not in {"root", "0"}


def test_image_checks_health_on_healthz_and_serves_on_8080() -> None:
    stage = final_stage()
    (health,) = [line for line in stage if line.startswith("HEALTHCHECK ")]
    assert "/healthz" in health and "8080" in health
    assert "EXPOSE 8080" in stage
    (cmd,) = [line for line in stage if line.startswith("CMD ")]
    assert cmd == 'CMD ["chesschat", "serve", "--host", "0.0.0.0", "--port", "8080"]'


def test_image_defaults_to_the_aws_mode_without_secrets() -> None:
    env = " ".join(line for line in final_stage() if line.startswith("ENV "))
    for setting in (
        "CHESSCHAT_RECORD_STORE=dynamodb",
        "CHESSCHAT_IDENTITY=local",
        "CHESSCHAT_METRICS=cloudwatch",
        "CHESSCHAT_COOKIE_SECURE=true",
    ):
        assert setting in env
    assert not re.search(r"(SECRET|TOKEN|PASSWORD)=", env)


def test_docker_build_context_leaves_out_state_and_tooling() -> None:
    ignored = (hcl.REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".git", ".cache", ".chesschat", "terraform", "tests"):
        assert entry in ignored


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_pins_actions_by_commit_sha_with_the_version_noted(path: Path) -> None:
    uses = re.findall(r"uses:\s*(\S+)(.*)", path.read_text(encoding="utf-8"))
    assert uses
    for action, rest in uses:
        assert PINNED.match(action), f"{path.name}: {action} is not pinned to a commit SHA"
        assert re.search(r"#\s*v\d", rest), f"{path.name}: {action} has no version comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_has_minimal_permissions_and_timeouts(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    for job_id, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 30, job_id
        granted = job.get("permissions", {})
        assert set(granted.values()) <= {"read", "write"}
        writes = {k for k, v in granted.items() if v == "write"}
        assert writes <= ({"id-token"} if path.name == "deploy.yml" else set()), f"{path.name}/{job_id}: {writes}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_keep_credentials(path: Path) -> None:
    for job in load(path)["jobs"].values():
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def deploy_steps() -> list[dict[str, Any]]:
    workflow = load(hcl.REPO / ".github" / "workflows" / "deploy.yml")
    assert workflow[True] == {"push": {"branches": ["main"]}}  # YAML reads the key `on` as True
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_deploy_runs_the_nine_steps_in_order() -> None:
    numbered = [s["name"] for s in deploy_steps() if re.match(r"\d\. ", s["name"])]
    assert [int(n.split(".")[0]) for n in numbered] == list(range(1, 10))
    expected = [
        "checkout",
        "oidc",
        "ecr",
        "main-latest",
        "config.js",
        "cloudfront",
        "task definition",
        "wait until it is stable",
        "deployment metadata",
    ]
    for name, word in zip(numbered, expected, strict=True):
        assert word.lower() in name.lower(), (name, word)


def step(number: int) -> dict[str, Any]:
    (found,) = [s for s in deploy_steps() if s["name"].startswith(f"{number}. ")]
    return found


def test_deploy_authenticates_with_oidc_not_keys() -> None:
    workflow_text = (hcl.REPO / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert "aws-access-key-id" not in workflow_text and "secrets." not in workflow_text
    assert step(2)["with"]["role-to-assume"] == "${{ vars.AWS_DEPLOY_ROLE_ARN }}"
    (job,) = load(hcl.REPO / ".github" / "workflows" / "deploy.yml")["jobs"].values()
    assert job["permissions"]["id-token"] == "write"


def test_deploy_tags_the_image_with_the_commit_and_main_latest() -> None:
    run = step(4)["run"]
    assert '--tag "$image:$IMAGE_TAG"' in run and '--tag "$image:main-latest"' in run
    assert 'docker push "$image:$IMAGE_TAG"' in run and 'docker push "$image:main-latest"' in run
    (job,) = load(hcl.REPO / ".github" / "workflows" / "deploy.yml")["jobs"].values()
    assert job["env"]["IMAGE_TAG"] == "${{ github.sha }}"


def test_deploy_serves_config_js_uncached_and_assets_for_five_minutes() -> None:
    run = step(5)["run"]
    assert re.search(r"s3 sync .*--exclude config\.js[\s\\]*--cache-control \"public, max-age=300\"", run)
    assert re.search(r"s3 cp web-dist/config\.js .*[\s\\]*--cache-control \"no-store\"", run)
    assert "--paths '/*'" in step(6)["run"]


def test_deploy_registers_a_revision_and_waits_for_stability() -> None:
    assert "aws ecs register-task-definition" in step(7)["run"]
    run = step(8)["run"]
    assert "aws ecs update-service" in run and "aws ecs wait services-stable" in run
    upload = step(9)
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "deployment.json"


def test_pull_request_workflows_gate_main_and_do_not_deploy() -> None:
    gates = [p for p in WORKFLOWS if p.name != "deploy.yml"]
    assert {p.stem for p in gates} == {"backend", "frontend", "terraform"}
    for path in gates:
        workflow = load(path)
        assert workflow[True] == {"pull_request": {"branches": ["main"]}}, path.name
        assert "configure-aws-credentials" not in path.read_text(encoding="utf-8")


def test_terraform_gate_formats_validates_and_runs_the_infra_checks() -> None:
    (job,) = load(hcl.REPO / ".github" / "workflows" / "terraform.yml")["jobs"].values()
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "terraform -chdir=terraform fmt -check -recursive" in runs
    assert "terraform -chdir=terraform validate" in runs
    assert "scripts/test-infra" in runs


def test_every_writable_task_volume_is_declared_in_the_image() -> None:
    # Fargate gives a bind-mount volume the ownership and mode of the image's VOLUME; one
    # not declared there is root-owned and the non-root app could not write to it.
    definition = hcl.module("ecs_compute").resource("aws_ecs_task_definition", "this")["container_definitions"]
    mounted = set(re.findall(r"containerPath\s*=\s*\\?\"([^\"\\]+)", definition))
    assert mounted
    (volume,) = [line for line in final_stage() if line.startswith("VOLUME ")]
    declared = set(re.findall(r"\"([^\"]+)\"", volume))
    assert mounted <= declared, mounted - declared
    data_dir = re.search(r"CHESSCHAT_DATA_DIR=(\S+)", " ".join(final_stage()))
    assert data_dir and data_dir.group(1) in mounted
