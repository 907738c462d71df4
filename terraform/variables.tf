variable "project" {
  description = "Project name, the first part of every resource name."
  type        = string
  default     = "chesschat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.project))
    error_message = "project must be lowercase letters, digits and hyphens."
  }
}

variable "environment" {
  description = "Environment: dev or prod. Names resources (chesschat-<env>-...) and the metrics namespace (Chesschat/<Env>)."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be \"dev\" or \"prod\"."
  }
}

variable "region" {
  description = "AWS region of everything except the CloudFront certificate (always us-east-1)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "availability_zones" {
  description = "Availability Zones of the three tiers (two or three)."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b", "us-east-1c"]

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "availability_zones must name two or three zones."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be an IPv4 CIDR block."
  }
}

variable "public_subnet_cidrs" {
  description = "Public tier, one /20 per AZ."
  type        = list(string)
  default     = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]

  validation {
    condition     = alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "private_app_subnet_cidrs" {
  description = "Private app tier, one /20 per AZ."
  type        = list(string)
  default     = ["10.20.48.0/20", "10.20.64.0/20", "10.20.80.0/20"]

  validation {
    condition     = alltrue([for c in var.private_app_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_app_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "private_data_subnet_cidrs" {
  description = "Private data tier, one /20 per AZ."
  type        = list(string)
  default     = ["10.20.96.0/20", "10.20.112.0/20", "10.20.128.0/20"]

  validation {
    condition     = alltrue([for c in var.private_data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_data_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "nat_gateway_mode" {
  description = "single (one NAT gateway, the default), per_az (one per AZ, no single-AZ egress dependency) or instance (one NAT instance, HTTPS only: the cheapest, see docs/cost.md)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az", "instance"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"single\", \"per_az\" or \"instance\"."
  }
}

variable "nat_instance_type" {
  description = "Instance type of the NAT instance when nat_gateway_mode = instance (arm64)."
  type        = string
  default     = "t4g.nano"
}

variable "interface_endpoints" {
  description = "Services reached through interface VPC endpoints (hourly cost per AZ each); [] sends them through NAT."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]

  validation {
    condition = alltrue([
      for s in var.interface_endpoints :
      contains(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "monitoring", "sts", "kms", "ssm"], s)
    ])
    error_message = "interface_endpoints may contain only: ecr.api, ecr.dkr, logs, secretsmanager, monitoring, sts, kms, ssm."
  }
}

variable "interface_endpoint_az_count" {
  description = "Number of AZs each interface endpoint is placed in; each endpoint is billed per AZ per hour (4 endpoints x 3 AZs = 12 endpoint-hours an hour)."
  type        = number
  default     = 3

  validation {
    condition     = var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= 3 && floor(var.interface_endpoint_az_count) == var.interface_endpoint_az_count
    error_message = "interface_endpoint_az_count must be a whole number from 1 to 3."
  }
}

variable "log_retention_days" {
  description = "Retention of the application log group and the VPC Flow Logs, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (e.g. 30)."
  }
}

variable "domain_name" {
  description = "Apex domain: the web client is served there, the API at <api_subdomain>.<domain_name>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name such as chess-chat.com."
  }
}

variable "api_subdomain" {
  description = "Subdomain of the API and WebSocket host (the ALB)."
  type        = string
  default     = "api"
}

variable "cognito_domain_prefix" {
  description = "Prefix of the Cognito hosted UI domain; must be unique across AWS."
  type        = string
}

variable "google_oauth_secret_name" {
  description = "Secrets Manager secret with the Google OAuth client ({\"client_id\", \"client_secret\"}); null leaves Google sign-in out."
  type        = string
  default     = null
}

variable "alarm_email" {
  description = "Email address that receives alarms and budget alerts."
  type        = string
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget; alerts at 80, 90 and 100 percent of it."
  type        = number
  default     = 100
}

variable "container_image_tag" {
  description = "Image tag of the first task definition; deploys register revisions with commit-SHA tags."
  type        = string
  default     = "main-latest"
}

variable "task_cpu" {
  description = "Fargate task CPU units (256 = 0.25 vCPU, the baseline)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.task_cpu)
    error_message = "task_cpu must be one of 256, 512, 1024, 2048, 4096."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB (512 is the baseline)."
  type        = number
  default     = 512
}

variable "desired_count" {
  description = "Tasks the service starts with."
  type        = number
  default     = 1
}

variable "autoscaling_max_capacity" {
  description = "Most tasks CPU autoscaling may run."
  type        = number
  default     = 4
}

variable "redis_node_type" {
  description = "ElastiCache node type of the primary and its replicas."
  type        = string
  default     = "cache.t4g.micro"
}

variable "redis_replica_count" {
  description = "Redis replicas beside the primary: 1 or more for automatic failover to another AZ, 0 for a single node."
  type        = number
  default     = 1
}

variable "identity_provider" {
  description = "How people sign in: local (accounts, argon2id password hashes and sessions in the DynamoDB users, usernames and sessions tables) or cognito (the user pool: emailed codes, MFA, Google; sessions in Redis). Only the modes this application version starts with are accepted, so a plan fails rather than a deployment that cannot start."
  type        = string
  default     = "local"

  validation {
    condition     = contains(["local", "cognito"], var.identity_provider)
    error_message = "identity_provider must be \"local\" or \"cognito\"."
  }
}

variable "video_provider" {
  description = "Video path: webrtc (browser-to-browser; turn on coturn_enabled for players behind strict NATs) or chime (Amazon Chime SDK meetings, billed per attendee-minute). Only the modes this application version starts with are accepted."
  type        = string
  default     = "webrtc"

  validation {
    condition     = contains(["webrtc", "chime"], var.video_provider)
    error_message = "video_provider must be \"webrtc\" or \"chime\"."
  }
}

variable "coturn_enabled" {
  description = "Run the coturn TURN server (needed for video_provider = webrtc across strict NATs)."
  type        = bool
  default     = false
}

variable "github_owner" {
  description = "GitHub organisation or user owning the repository."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository name (without the owner)."
  type        = string
}

variable "manage_branch_protection" {
  description = "Manage branch protection of main with the GitHub provider (needs GITHUB_TOKEN with admin rights)."
  type        = bool
  default     = true
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if the account already has one)."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Deletion protection of the DynamoDB tables, the Cognito user pool and the ALB; false only to tear the environment down."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags on every resource."
  type        = map(string)
  default     = {}
}
