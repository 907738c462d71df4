# Alarms (the alarm table of docs/deploy-aws.md, to one SNS topic), the monthly budget, the operations
# dashboard, CloudTrail, and the KMS key that encrypts the topic, the trail, the log
# groups and the application's secrets.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
}

# ---------------------------------------------------------------------------- KMS

data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109:This is a key policy: "*" as its resource means this key only, and the account root statement is the AWS default that lets IAM policies delegate use of the key.
  # checkov:skip=CKV_AWS_111:Same key-policy reading: "*" is this key; service principals are limited by encryption-context conditions.
  # checkov:skip=CKV_AWS_356:Same key-policy reading: a key policy cannot name another resource.
  statement {
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"] # In a key policy "*" means this key.

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AlarmsAndBudgetsPublish"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }
  }

  statement {
    sid       = "CloudTrailEncrypt"
    actions   = ["kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:cloudtrail:arn"
      values   = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: alarm topic, CloudTrail, log groups, application secrets"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------- SNS

resource "aws_sns_topic" "this" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

data "aws_iam_policy_document" "sns" {
  statement {
    sid       = "AlarmsAndBudgetsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.sns.json
}

resource "aws_sns_topic_subscription" "email" {
  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ------------------------------------------------------------------------- Alarms
# The alarm table (docs/deploy-aws.md). Where it names no missing-data behaviour, the CloudWatch
# default ("missing") stands.

locals {
  ecs_service  = { ClusterName = var.ecs_cluster_name, ServiceName = var.ecs_service_name }
  target_group = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }

  # One row per alarm of the table that watches a single metric.
  alarms = {
    ecs_cpu = {
      description        = "ECS CPU utilisation >= 75% for 1 x 5 min."
      runbook            = "ecs-cpu-or-memory-high"
      namespace          = "AWS/ECS"
      metric_name        = "CPUUtilization"
      statistic          = "Average"
      operator           = "GreaterThanOrEqualToThreshold"
      threshold          = 75
      period             = 300
      evaluation_periods = 1
      treat_missing_data = "missing"
      dimensions         = local.ecs_service
    }
    ecs_memory = {
      description        = "ECS memory utilisation >= 80% for 1 x 5 min."
      runbook            = "ecs-cpu-or-memory-high"
      namespace          = "AWS/ECS"
      metric_name        = "MemoryUtilization"
      statistic          = "Average"
      operator           = "GreaterThanOrEqualToThreshold"
      threshold          = 80
      period             = 300
      evaluation_periods = 1
      treat_missing_data = "missing"
      dimensions         = local.ecs_service
    }
    alb_5xx = {
      description        = "ALB 5xx responses >= 5 in a 5 min period."
      runbook            = "alb-5xx-errors"
      namespace          = "AWS/ApplicationELB"
      metric_name        = "HTTPCode_Target_5XX_Count"
      statistic          = "Sum"
      operator           = "GreaterThanOrEqualToThreshold"
      threshold          = 5
      period             = 300
      evaluation_periods = 1
      treat_missing_data = "missing"
      dimensions         = { LoadBalancer = var.alb_arn_suffix }
    }
    alb_unhealthy_targets = {
      description        = "Unhealthy targets > 0 for 2 x 5 min; missing data breaches, so a service scaled to zero alarms too."
      runbook            = "alb-unhealthy-targets"
      namespace          = "AWS/ApplicationELB"
      metric_name        = "UnHealthyHostCount"
      statistic          = "Maximum"
      operator           = "GreaterThanThreshold"
      threshold          = 0
      period             = 300
      evaluation_periods = 2
      treat_missing_data = "breaching"
      dimensions         = local.target_group
    }
    alb_healthy_hosts_low = {
      description        = "HealthyHostCount < 1; missing data breaches."
      runbook            = "alb-healthy-hosts-low"
      namespace          = "AWS/ApplicationELB"
      metric_name        = "HealthyHostCount"
      statistic          = "Minimum"
      operator           = "LessThanThreshold"
      threshold          = 1
      period             = 300
      evaluation_periods = 1
      treat_missing_data = "breaching"
      dimensions         = local.target_group
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${replace(each.key, "_", "-")}"
  alarm_description   = "${each.value.description} See docs/operations.md#${each.value.runbook}."
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  comparison_operator = each.value.operator
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  treat_missing_data  = each.value.treat_missing_data
  dimensions          = each.value.dimensions
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  tags = var.tags
}

# "Any" throttled request is a warning: read and write throttle events of each table.
resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  for_each = var.dynamodb_table_names

  alarm_name          = "${var.name}-dynamodb-${each.key}-throttled"
  alarm_description   = "Warning: DynamoDB table ${each.value} throttled a request. See docs/operations.md#dynamodb-throttled-requests."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "missing"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  metric_query {
    id          = "throttled"
    expression  = "FILL(reads, 0) + FILL(writes, 0)"
    label       = "Throttle events"
    return_data = true
  }

  metric_query {
    id = "reads"

    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReadThrottleEvents"
      stat        = "Sum"
      period      = 300
      dimensions  = { TableName = each.value }
    }
  }

  metric_query {
    id = "writes"

    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "WriteThrottleEvents"
      stat        = "Sum"
      period      = 300
      dimensions  = { TableName = each.value }
    }
  }

  tags = merge(var.tags, { Severity = "warning" })
}

# EngineCPUUtilization is the Redis thread itself, which is what saturates first on
# small multi-core nodes; one alarm per node.
resource "aws_cloudwatch_metric_alarm" "redis_cpu" {
  for_each = toset(var.redis_cluster_ids)

  alarm_name          = "${var.name}-redis-cpu-high-${each.key}"
  alarm_description   = "Redis CPU >= 75% for 2 x 5 min on ${each.key}. See docs/operations.md#redis-cpu-high."
  namespace           = "AWS/ElastiCache"
  metric_name         = "EngineCPUUtilization"
  statistic           = "Average"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = 75
  period              = 300
  evaluation_periods  = 2
  treat_missing_data  = "missing"
  dimensions          = { CacheClusterId = each.key }
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  tags = var.tags
}

# ------------------------------------------------------------------------- Budget

resource "aws_budgets_budget" "this" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = toset(var.budget_alert_thresholds)

    content {
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value
      threshold_type             = "PERCENTAGE"
      notification_type          = "ACTUAL"
      subscriber_email_addresses = [var.alarm_email]
      subscriber_sns_topic_arns  = [aws_sns_topic.this.arn]
    }
  }
}

# ---------------------------------------------------------------------- Dashboard

locals {
  alb  = ["LoadBalancer", var.alb_arn_suffix]
  tg   = ["LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix]
  ecs  = ["ClusterName", var.ecs_cluster_name, "ServiceName", var.ecs_service_name]
  half = { width = 12, height = 6 }

  alb_request_metrics = ["RequestCount", "HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count"]

  # Infrastructure graphs, two per row.
  infra_graphs = [
    {
      title   = "ECS CPU and memory (%)"
      stat    = "Average"
      metrics = [concat(["AWS/ECS", "CPUUtilization"], local.ecs), concat(["AWS/ECS", "MemoryUtilization"], local.ecs)]
    },
    {
      title   = "ALB requests and 5xx"
      stat    = "Sum"
      metrics = [for m in local.alb_request_metrics : concat(["AWS/ApplicationELB", m], local.alb)]
    },
    {
      title   = "ALB target health"
      stat    = "Minimum"
      metrics = [for m in ["HealthyHostCount", "UnHealthyHostCount"] : concat(["AWS/ApplicationELB", m], local.tg)]
    },
    {
      title   = "Redis engine CPU (%)"
      stat    = "Average"
      metrics = [for id in var.redis_cluster_ids : ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", id]]
    },
    {
      title = "DynamoDB throttle events"
      stat  = "Sum"
      metrics = flatten([for t in values(var.dynamodb_table_names) : [
        ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", t],
        ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", t],
      ]])
    },
  ]

  infra_widgets = [
    for i, g in local.infra_graphs : merge(local.half, {
      type       = "metric"
      x          = (i % 2) * 12
      y          = floor(i / 2) * 6
      properties = { title = g.title, region = local.region, stat = g.stat, period = 300, metrics = g.metrics }
    })
  ]

  errors_widget = merge(local.half, {
    type = "log"
    x    = 12
    y    = 12
    properties = {
      title  = "Application errors (latest)"
      region = local.region
      query  = "SOURCE '${var.application_log_group_name}' | fields @timestamp, level, event, correlationId, sessionId, connectionId | filter level = 'error' | sort @timestamp desc | limit 50"
    }
  })

  # The application's own metrics, four per row; the search sums each metric over
  # whatever dimensions the app attaches.
  app_metric_widgets = [
    for i, m in var.app_metric_names : {
      type   = "metric"
      x      = (i % 4) * 6
      y      = 18 + floor(i / 4) * 6
      width  = 6
      height = 6
      properties = {
        title   = m
        region  = local.region
        stat    = "Sum"
        period  = 60
        metrics = [[{ id = "m${i}", label = m, expression = "SUM(SEARCH('{${var.metrics_namespace}} MetricName=\"${m}\"', 'Sum', 60))" }]]
      }
    }
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.name}-operations"
  dashboard_body = jsonencode({ widgets = concat(local.infra_widgets, [local.errors_widget], local.app_metric_widgets) })
}

# --------------------------------------------------------------------- CloudTrail

resource "aws_s3_bucket" "cloudtrail" {
  # checkov:skip=CKV_AWS_18:This bucket is the audit log's destination; logging access to it into another bucket would only move the question one bucket further.
  # checkov:skip=CKV_AWS_144:One-region product; the trail itself is multi-region and log file validation detects tampering.
  # checkov:skip=CKV2_AWS_62:Nothing reacts to new trail files; the trail also delivers to CloudWatch Logs for queries.
  bucket = "${var.name}-cloudtrail-${local.account_id}"

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id

  rule {
    id     = "expire-trail-files"
    status = "Enabled"

    filter {}

    expiration {
      days = var.cloudtrail_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

locals {
  trail_name = "${var.name}-trail"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
}

data "aws_iam_policy_document" "cloudtrail_bucket" {
  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.cloudtrail.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "CloudTrailWrite"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.cloudtrail.arn}/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.cloudtrail.arn, "${aws_s3_bucket.cloudtrail.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "cloudtrail" {
  bucket = aws_s3_bucket.cloudtrail.id
  policy = data.aws_iam_policy_document.cloudtrail_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.cloudtrail]
}

resource "aws_cloudwatch_log_group" "cloudtrail" {
  name              = "/cloudtrail/${var.name}"
  retention_in_days = var.cloudtrail_retention_days
  kms_key_id        = aws_kms_key.this.arn

  tags = var.tags
}

data "aws_iam_policy_document" "cloudtrail_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudtrail" {
  name_prefix        = "${var.name}-trail-"
  assume_role_policy = data.aws_iam_policy_document.cloudtrail_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "cloudtrail_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.cloudtrail.arn}:*"]
  }
}

resource "aws_iam_role_policy" "cloudtrail" {
  name   = "deliver-to-log-group"
  role   = aws_iam_role.cloudtrail.id
  policy = data.aws_iam_policy_document.cloudtrail_logs.json
}

resource "aws_cloudtrail" "this" {
  # checkov:skip=CKV_AWS_252:An SNS message per delivered log file would flood the alarm topic; the trail goes to CloudWatch Logs for queries instead.
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.cloudtrail.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.this.arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.cloudtrail.arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.cloudtrail.arn

  tags = var.tags

  depends_on = [aws_s3_bucket_policy.cloudtrail]
}
