"""IAM: two task roles, no wildcard resources but the few AWS cannot scope, each named and
justified; the deploy role trusts only this repository's main branch."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.infra import hcl

# Actions IAM defines no resource type for: "*" is the only resource they accept.
UNSCOPABLE = {
    "cloudwatch:PutMetricData",
    "chime:CreateMeeting",
    "chime:CreateMeetingWithAttendees",
    "ecr:GetAuthorizationToken",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
}
POLICIES = [
    ("ecs", "task"),
    ("ecs", "execution"),
    ("github_actions_oidc", "deploy"),
    ("coturn", "this"),
    ("vpc", "flow_logs"),
    ("monitoring", "cloudtrail_logs"),
]


def policy(module_name: str, name: str) -> list[dict[str, Any]]:
    return hcl.statements(hcl.module(module_name).data("aws_iam_policy_document", name))


def task_statements() -> dict[str, dict[str, Any]]:
    return {s["sid"]: s for s in policy("ecs", "task")}


@pytest.mark.parametrize(("module_name", "name"), POLICIES)
def test_wildcard_resources_only_for_actions_aws_cannot_scope_each_justified(module_name: str, name: str) -> None:
    for statement in policy(module_name, name):
        resources = hcl.as_list(statement["resources"])
        if "*" not in resources:
            continue
        actions = set(statement["actions"])
        assert actions <= UNSCOPABLE, f"{module_name}/{name}: {actions - UNSCOPABLE} on '*'"
        justification = hcl.comments(statement)
        for action in actions:
            assert action in justification, f"{module_name}/{name}: '*' for {action} is not justified in a comment"


@pytest.mark.parametrize(("module_name", "name"), POLICIES)
def test_no_action_wildcards(module_name: str, name: str) -> None:
    for statement in policy(module_name, name):
        for action in statement["actions"]:
            assert "*" not in action, f"{module_name}/{name}: {action}"


def test_task_role_reaches_exactly_its_tables_and_indexes() -> None:
    statements = task_statements()
    assert statements["RecordsTables"]["resources"] == "${var.dynamodb_table_arns}"
    assert statements["RecordsIndexes"]["resources"] == "${var.dynamodb_index_arns}"
    assert "dynamodb:Scan" not in statements["RecordsTables"]["actions"]
    call = hcl.root().module_calls["ecs"]
    assert call["dynamodb_table_arns"] == "${module.dynamodb.table_arns}"
    assert call["dynamodb_index_arns"] == "${module.dynamodb.index_arns}"


# The user pool's client operations: authorized by the caller's password, code or token,
# never by IAM.
COGNITO_CLIENT_OPERATIONS = {
    "sign_up",
    "confirm_sign_up",
    "resend_confirmation_code",
    "initiate_auth",
    "respond_to_auth_challenge",
    "forgot_password",
    "confirm_forgot_password",
    "global_sign_out",
    "associate_software_token",
    "verify_software_token",
    "set_user_mfa_preference",
}


def test_task_role_needs_no_cognito_permission_as_the_app_calls_only_client_operations() -> None:
    source = (hcl.REPO / "src" / "chesschat" / "adapters" / "cognito.py").read_text(encoding="utf-8")
    called = set(re.findall(r'self\._call\(\s*"(\w+)"', source))
    assert called and called <= COGNITO_CLIENT_OPERATIONS
    actions = [a for s in policy("ecs", "task") for a in s["actions"]]
    assert not [a for a in actions if a.startswith("cognito")]


def test_task_role_reads_only_the_apps_own_secrets() -> None:
    statements = task_statements()
    read = statements["ReadAppSecrets"]
    assert read["actions"] == ["secretsmanager:GetSecretValue"]
    assert read["resources"] == "${var.app_secret_arns}"
    secrets = hcl.root().locals["app_secret_arns"]
    assert "module.elasticache.auth_token_secret_arn" in secrets
    assert "module.coturn[*].secret_arn" in secrets
    assert hcl.root().module_calls["ecs"]["app_secret_arns"] == "${local.app_secret_arns}"
    decrypt = statements["DecryptAppSecrets"]
    assert decrypt["actions"] == ["kms:Decrypt"]
    (condition,) = decrypt["condition"]
    assert condition["variable"] == "kms:ViaService"


def test_task_role_puts_metrics_only_into_the_apps_namespace() -> None:
    metrics = task_statements()["PutAppMetrics"]
    (condition,) = metrics["condition"]
    assert (condition["test"], condition["variable"]) == ("StringEquals", "cloudwatch:namespace")
    assert condition["values"] == ["${var.metrics_namespace}"]
    assert hcl.root().locals["metrics_namespace"] == "Chesschat/${title(var.environment)}"


def test_task_role_uses_chime_meetings_of_this_account_only() -> None:
    use = task_statements()["UseChimeMeetings"]
    assert use["resources"] == ["${local.chime_meeting_arn}"]
    arn = hcl.module("ecs").locals["chime_meeting_arn"]
    assert ":chime:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:meeting/" in arn
    assert hcl.root().module_calls["ecs"]["enable_chime"] == '${var.video_provider == "chime"}'


def test_execution_role_is_separate_and_only_pulls_and_logs() -> None:
    ecs = hcl.module("ecs")
    assert set(ecs.resources("aws_iam_role")) == {"execution", "task"}
    actions = {a for s in policy("ecs", "execution") for a in s["actions"]}
    assert actions == {
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }


def test_tasks_trust_is_limited_to_this_account() -> None:
    (statement,) = hcl.module("ecs").data("aws_iam_policy_document", "ecs_tasks_assume")["statement"]
    variables = {c["variable"] for c in statement["condition"]}
    assert variables == {"aws:SourceArn", "aws:SourceAccount"}


def test_deploy_role_trusts_only_this_repositorys_deploy_branch() -> None:
    (statement,) = hcl.module("github_actions_oidc").data("aws_iam_policy_document", "assume")["statement"]
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    conditions = {c["variable"]: c for c in statement["condition"]}
    audience = conditions["${local.oidc_host}:aud"]
    assert (audience["test"], audience["values"]) == ("StringEquals", ["sts.amazonaws.com"])
    subject = conditions["${local.oidc_host}:sub"]
    assert subject["test"] == "StringEquals"
    assert subject["values"] == [
        "repo:${var.github_owner}/${var.github_repository}:ref:refs/heads/${var.deploy_branch}"
    ]
    assert hcl.module("github_actions_oidc").variables["deploy_branch"]["default"] == "main"


def test_deploy_role_passes_only_the_task_roles_and_only_to_ecs() -> None:
    statements = {s["sid"]: s for s in policy("github_actions_oidc", "deploy")}
    passing = statements["PassTaskRoles"]
    assert passing["resources"] == "${var.task_role_arns}"
    (condition,) = passing["condition"]
    assert (condition["variable"], condition["values"]) == ("iam:PassedToService", ["ecs-tasks.amazonaws.com"])
    assert statements["UpdateService"]["resources"] == [
        "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${var.ecs_cluster_name}/${var.ecs_service_name}"
    ]
    assert statements["InvalidateCdn"]["resources"] == ["${var.cloudfront_distribution_arn}"]
