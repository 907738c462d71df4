"""Monitoring: the designed alarm table exactly, the budget, the dashboard, logs, CloudTrail."""

from __future__ import annotations

import re
from typing import Any

from tests.infra import hcl

OPERATORS = {
    "GreaterThanOrEqualToThreshold": ">=",
    "GreaterThanThreshold": ">",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}

# The designed alarm table (docs/deploy-aws.md): metric -> (operator, threshold, period s, evaluation periods,
# treat_missing_data). None: the table names no value. Where it names no
# missing-data behaviour, CloudWatch's default ("missing") must stand.
DESIGNED_ALARMS = {
    "ECS CPU utilisation": ("ecs_cpu", "CPUUtilization", ">=", 75, 300, 1, "missing"),
    "ECS memory utilisation": ("ecs_memory", "MemoryUtilization", ">=", 80, 300, 1, "missing"),
    "ALB 5xx errors": ("alb_5xx", "HTTPCode_Target_5XX_Count", ">=", 5, 300, 1, "missing"),
    "ALB unhealthy targets": ("alb_unhealthy_targets", "UnHealthyHostCount", ">", 0, 300, 2, "breaching"),
    "ALB healthy hosts low": ("alb_healthy_hosts_low", "HealthyHostCount", "<", 1, None, None, "breaching"),
    "DynamoDB throttled requests": ("dynamodb_throttles", None, ">", 0, None, None, "missing"),
    "Redis CPU": ("redis_cpu", "EngineCPUUtilization", ">=", 75, 300, 2, "missing"),
}
APP_METRICS = [
    "WsConnectionsOpened",
    "WsConnectionsClosed",
    "GamesStarted",
    "GamesEnded",
    "GamePersistSucceeded",
    "GamePersistRetried",
    "GamePersistFailed",
    "AppErrors",
    "VideoSessionsStarted",
    "VideoFailures",
    "TurnCredentialsIssued",
]


def alarm_resources() -> dict[str, dict[str, Any]]:
    return hcl.module("monitoring").resources("aws_cloudwatch_metric_alarm")


def alarm_rows() -> dict[str, dict[str, Any]]:
    """Every alarm as a row: the single-metric ones from their table (local.alarms), the
    per-table and per-node ones from their resources."""
    rows = {name: dict(row) for name, row in hcl.module("monitoring").locals["alarms"].items()}
    for name, body in alarm_resources().items():
        if name != "this":
            rows[name] = {
                "metric_name": body.get("metric_name"),
                "operator": body["comparison_operator"],
                "threshold": body["threshold"],
                "period": body.get("period"),
                "evaluation_periods": body["evaluation_periods"],
                "treat_missing_data": body.get("treat_missing_data", "missing"),
            }
    return rows


def test_alarm_table_equals_the_designed_one() -> None:
    rows = alarm_rows()
    assert set(rows) == {row[0] for row in DESIGNED_ALARMS.values()}
    for label, (name, metric, operator, threshold, period, evaluations, missing) in DESIGNED_ALARMS.items():
        row = rows[name]
        actual = (
            row.get("metric_name"),
            OPERATORS[row["operator"]],
            row["threshold"],
            row.get("period") if period is not None else None,
            row["evaluation_periods"] if evaluations is not None else None,
            row.get("treat_missing_data", "missing"),
        )
        assert actual == (metric, operator, threshold, period, evaluations, missing), label


def test_alarm_table_rows_become_alarms_field_by_field() -> None:
    alarm = alarm_resources()["this"]
    assert alarm["for_each"] == "${local.alarms}"
    assert alarm["metric_name"] == "${each.value.metric_name}"
    assert alarm["comparison_operator"] == "${each.value.operator}"
    assert alarm["threshold"] == "${each.value.threshold}"
    assert alarm["period"] == "${each.value.period}"
    assert alarm["evaluation_periods"] == "${each.value.evaluation_periods}"
    assert alarm["treat_missing_data"] == "${each.value.treat_missing_data}"
    assert alarm["dimensions"] == "${each.value.dimensions}"


def test_every_alarm_notifies_the_sns_topic() -> None:
    for name, alarm in alarm_resources().items():
        assert alarm["alarm_actions"] == ["${aws_sns_topic.this.arn}"], name
    subscription = hcl.module("monitoring").resource("aws_sns_topic_subscription", "email")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "${var.alarm_email}")


def test_dynamodb_throttle_alarm_is_a_warning_on_every_table() -> None:
    alarm = alarm_resources()["dynamodb_throttles"]
    assert alarm["for_each"] == "${var.dynamodb_table_names}"
    assert "Severity" in alarm["tags"] and "warning" in alarm["tags"]
    metrics = {q["metric"][0]["metric_name"] for q in alarm["metric_query"] if "metric" in q}
    assert metrics == {"ReadThrottleEvents", "WriteThrottleEvents"}
    assert hcl.root().module_calls["monitoring"]["dynamodb_table_names"] == "${module.dynamodb.table_names}"


def test_alarms_watch_the_real_resources() -> None:
    call = hcl.root().module_calls["monitoring"]
    assert call["ecs_service_name"] == "${module.ecs_compute.service_name}"
    assert call["alb_arn_suffix"] == "${module.alb.alb_arn_suffix}"
    assert call["target_group_arn_suffix"] == "${module.alb.target_group_arn_suffix}"
    assert call["redis_cluster_ids"] == "${module.elasticache.member_cluster_ids}"


def test_budget_alerts_at_80_90_100_percent_of_100_dollars() -> None:
    monitoring = hcl.module("monitoring")
    assert monitoring.variables["monthly_budget_usd"]["default"] == 100
    assert hcl.root().variables["monthly_budget_usd"]["default"] == 100
    assert monitoring.variables["budget_alert_thresholds"]["default"] == [80, 90, 100]
    budget = monitoring.resource("aws_budgets_budget", "this")
    assert (budget["budget_type"], budget["time_unit"], budget["limit_unit"]) == ("COST", "MONTHLY", "USD")
    (notification,) = budget["dynamic"]
    content = notification["notification"]["content"][0]
    assert notification["notification"]["for_each"] == "${toset(var.budget_alert_thresholds)}"
    assert (content["threshold_type"], content["notification_type"]) == ("PERCENTAGE", "ACTUAL")
    assert content["subscriber_sns_topic_arns"] == ["${aws_sns_topic.this.arn}"]


def test_dashboard_shows_the_app_metrics_in_the_env_namespace() -> None:
    monitoring = hcl.module("monitoring")
    assert monitoring.variables["app_metric_names"]["default"] == APP_METRICS
    widgets = monitoring.locals["app_metric_widgets"]
    assert "for i, m in var.app_metric_names" in widgets
    assert "{${var.metrics_namespace}} MetricName" in widgets
    assert "local.app_metric_widgets" in monitoring.resource("aws_cloudwatch_dashboard", "this")["dashboard_body"]
    assert hcl.root().module_calls["monitoring"]["metrics_namespace"] == "${local.metrics_namespace}"
    assert hcl.root().locals["metrics_namespace"] == "Chesschat/${title(var.environment)}"


def test_application_logs_go_to_their_log_group_for_30_days() -> None:
    root = hcl.root()
    assert root.locals["application_log_group_name"] == "/ecs/${var.project}/application"
    assert root.variables["project"]["default"] == "chesschat"
    group = hcl.module("ecs_compute").resource("aws_cloudwatch_log_group", "application")
    assert group["name"] == "${var.application_log_group_name}"
    assert group["retention_in_days"] == "${var.log_retention_days}"
    assert root.module_calls["ecs_compute"]["log_retention_days"] == "${var.log_retention_days}"
    assert root.variables["log_retention_days"]["default"] == 30


def test_cloudtrail_records_every_region_with_validated_encrypted_files() -> None:
    trail = hcl.module("monitoring").resource("aws_cloudtrail", "this")
    assert trail["is_multi_region_trail"] is True
    assert trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True
    assert trail["kms_key_id"] == "${aws_kms_key.this.arn}"
    assert hcl.module("monitoring").resource("aws_kms_key", "this")["enable_key_rotation"] is True


def anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens."""
    found = set()
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_every_alarm_links_to_a_runbook_section_that_exists() -> None:
    runbook = (hcl.REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    monitoring = hcl.module("monitoring")
    linked = {row["runbook"] for row in monitoring.locals["alarms"].values()}
    assert "docs/operations.md#${each.value.runbook}" in alarm_resources()["this"]["alarm_description"]
    for name, alarm in alarm_resources().items():
        if name != "this":
            (anchor,) = re.findall(r"docs/operations\.md#([\w-]+)", alarm["alarm_description"])
            linked.add(anchor)
    assert len(linked) == 6
    assert linked <= anchors(runbook), linked - anchors(runbook)


def test_runbook_covers_dead_letters_and_correlation_ids() -> None:
    runbook = (hcl.REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    for text in (
        "chesschat deadletter list",
        "chesschat deadletter requeue ID",
        "chesschat deadletter requeue --all",
        "chesschat deadletter drop ID",
        "x-correlation-id",
        "sessionId",
        "connectionId",
    ):
        assert text in runbook, text
