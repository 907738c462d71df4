variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "environment" {
  description = "Environment name the application runs as (CHESSCHAT_ENV)."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be \"dev\" or \"prod\"."
  }
}

variable "ecr_repository_name" {
  description = "Name of the ECR repository that holds the application image."
  type        = string
}

variable "application_log_group_name" {
  description = "CloudWatch log group of the application containers."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the application log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (e.g. 30)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the application log group."
  type        = string
}

variable "private_app_subnet_ids" {
  description = "Private app subnets the tasks run in."
  type        = list(string)
}

variable "fargate_task_sg_id" {
  description = "Security group of the tasks (created in the ecs module)."
  type        = string
}

variable "alb_sg_id" {
  description = "Security group of the ALB; the only source allowed to reach the container port."
  type        = string
}

variable "redis_sg_id" {
  description = "Security group of the Redis replication group; the tasks may reach it on the Redis port."
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group the service registers its tasks in."
  type        = string
}

variable "task_role_arn" {
  description = "Role the application runs as."
  type        = string
}

variable "task_execution_role_arn" {
  description = "Role the ECS agent uses."
  type        = string
}

variable "container_port" {
  description = "Port the application listens on inside the container."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port > 0 && var.container_port < 65536
    error_message = "container_port must be a TCP port number."
  }
}

variable "image_tag" {
  description = "Image tag the task definition starts with; deploys from CI register new revisions with the commit SHA."
  type        = string
  default     = "main-latest"
}

variable "task_cpu" {
  description = "Fargate task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.task_cpu)
    error_message = "task_cpu must be one of 256, 512, 1024, 2048, 4096."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB."
  type        = number
  default     = 512
}

variable "desired_count" {
  description = "Number of tasks the service starts with."
  type        = number
  default     = 1
}

variable "autoscaling_min_capacity" {
  description = "Fewest tasks the CPU autoscaling policy keeps."
  type        = number
  default     = 1
}

variable "autoscaling_max_capacity" {
  description = "Most tasks the CPU autoscaling policy starts."
  type        = number
  default     = 4
}

variable "autoscaling_cpu_target" {
  description = "Average service CPU utilisation (percent) the autoscaling policy aims for."
  type        = number
  default     = 60

  validation {
    condition     = var.autoscaling_cpu_target > 0 && var.autoscaling_cpu_target < 100
    error_message = "autoscaling_cpu_target must be a percentage between 0 and 100."
  }
}

variable "app_environment" {
  description = "CHESSCHAT_* settings of the application container (names without the prefix are not accepted). Secrets never go here: only Secrets Manager ARNs."
  type        = map(string)

  validation {
    condition     = alltrue([for k in keys(var.app_environment) : startswith(k, "CHESSCHAT_")])
    error_message = "app_environment keys must start with CHESSCHAT_."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
