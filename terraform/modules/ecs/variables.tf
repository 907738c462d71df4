variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC the Fargate task security group belongs to."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ECR repository the execution role pulls the application image from."
  type        = string
}

variable "application_log_group_arn" {
  description = "CloudWatch log group the execution role writes container logs to."
  type        = string
}

variable "dynamodb_table_arns" {
  description = "ARNs of the application's DynamoDB tables."
  type        = list(string)
}

variable "dynamodb_index_arns" {
  description = "ARNs of the global secondary indexes of those tables."
  type        = list(string)
}

variable "app_secret_arns" {
  description = "Secrets Manager secrets the application reads itself at run time (Redis AUTH token, TURN shared secret)."
  type        = list(string)
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts those secrets; the task role may decrypt with it through Secrets Manager only."
  type        = string
}

variable "metrics_namespace" {
  description = "The only CloudWatch namespace the application may put metrics into, e.g. Chesschat/Dev."
  type        = string
}

variable "enable_chime" {
  description = "Grant the task role the Chime SDK meeting operations (CHESSCHAT_VIDEO=chime)."
  type        = bool
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
