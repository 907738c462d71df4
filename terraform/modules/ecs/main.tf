# IAM for the ECS tasks, and the Fargate task security group. The security group lives
# here, not in ecs_compute, so that elasticache can reference it while ecs_compute reads
# the Redis endpoint: that is what keeps the dependency graph acyclic.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_security_group" "fargate_task" {
  # checkov:skip=CKV2_AWS_5:Attached to the ECS service in the ecs_compute module (network_configuration.security_groups), which this module's graph cannot see.
  name_prefix = "${var.name}-task-"
  description = "Fargate tasks: 8080 from the ALB security group only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-task" })

  lifecycle {
    create_before_destroy = true
  }
}

# AWS APIs (through the VPC endpoints or the NAT gateway), Cognito JWKS and Chime.
resource "aws_vpc_security_group_egress_rule" "fargate_task_https" {
  security_group_id = aws_security_group.fargate_task.id
  description       = "HTTPS to AWS APIs and identity providers"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ecs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# Task execution role: used by the ECS agent only (pull the image, write the logs).
resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-exec-"
  description        = "ECS agent: pull the image from ECR, write container logs"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "execution" {
  statement {
    # ecr:GetAuthorizationToken returns a registry-wide login token; AWS defines no
    # resource type for it, so it can only be granted on "*".
    sid       = "EcrLoginToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PullApplicationImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteContainerLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${var.application_log_group_arn}:*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "pull-image-write-logs"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Task role: the application's own identity at run time.
resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-task-"
  description        = "ChessChat application: its DynamoDB tables, its secrets, Chime meetings, its metrics"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json

  tags = var.tags
}

locals {
  chime_meeting_arn = "arn:${data.aws_partition.current.partition}:chime:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:meeting/*"
}

data "aws_iam_policy_document" "task" {
  statement {
    sid = "RecordsTables"
    actions = [
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:DeleteItem",
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]
    resources = var.dynamodb_table_arns
  }

  statement {
    sid       = "RecordsIndexes"
    actions   = ["dynamodb:Query"]
    resources = var.dynamodb_index_arns
  }

  statement {
    # The app fetches the Redis AUTH token and the TURN secret itself; only these ARNs.
    sid       = "ReadAppSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = var.app_secret_arns
  }

  statement {
    sid       = "DecryptAppSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
    }
  }

  statement {
    # cloudwatch:PutMetricData has no resource type in IAM, so "*" is the only resource it
    # accepts; the namespace condition limits it to the application's own namespace.
    sid       = "PutAppMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }

  dynamic "statement" {
    for_each = var.enable_chime ? [1] : []

    content {
      # chime:CreateMeeting and chime:CreateMeetingWithAttendees create the meeting whose
      # ARN does not exist yet; IAM defines no resource type for them, so "*" is the only
      # resource they accept.
      sid       = "CreateChimeMeetings"
      actions   = ["chime:CreateMeeting", "chime:CreateMeetingWithAttendees"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.enable_chime ? [1] : []

    content {
      sid = "UseChimeMeetings"
      actions = [
        "chime:BatchCreateAttendee",
        "chime:CreateAttendee",
        "chime:DeleteAttendee",
        "chime:DeleteMeeting",
        "chime:GetAttendee",
        "chime:GetMeeting",
      ]
      resources = [local.chime_meeting_arn]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "chesschat-app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}
