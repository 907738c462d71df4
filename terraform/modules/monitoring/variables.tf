variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic (the subscription must be confirmed from the inbox)."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address."
  }
}

variable "ecs_cluster_name" {
  description = "ECS cluster of the application service."
  type        = string
}

variable "ecs_service_name" {
  description = "ECS service of the application."
  type        = string
}

variable "alb_arn_suffix" {
  description = "LoadBalancer dimension of the ALB metrics."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "TargetGroup dimension of the target group metrics."
  type        = string
}

variable "dynamodb_table_names" {
  description = "DynamoDB tables watched for throttling, by logical name."
  type        = map(string)
}

variable "redis_cluster_ids" {
  description = "Cache cluster IDs of the Redis nodes watched for CPU."
  type        = list(string)
}

variable "application_log_group_name" {
  description = "Application log group shown on the dashboard."
  type        = string
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the application's own metrics, e.g. Chesschat/Dev."
  type        = string

  validation {
    condition     = can(regex("^Chesschat/[A-Z][a-z]+$", var.metrics_namespace))
    error_message = "metrics_namespace must look like Chesschat/Dev."
  }
}

variable "app_metric_names" {
  description = "The application's metrics, shown on the operations dashboard."
  type        = list(string)
  default = [
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
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget in US dollars."
  type        = number
  default     = 100
}

variable "budget_alert_thresholds" {
  description = "Percentages of the monthly budget at which actual spend alerts."
  type        = list(number)
  default     = [80, 90, 100]

  validation {
    condition     = alltrue([for t in var.budget_alert_thresholds : t > 0 && t <= 1000])
    error_message = "budget_alert_thresholds must be percentages greater than 0."
  }
}

variable "cloudtrail_retention_days" {
  description = "Days CloudTrail log files are kept in S3 (and in the trail's log group)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudtrail_retention_days)
    error_message = "cloudtrail_retention_days must be a retention period CloudWatch Logs accepts (e.g. 365)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
