variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr, 0))
    error_message = "cidr must be an IPv4 CIDR block such as 10.20.0.0/16."
  }
}

variable "azs" {
  description = "Availability Zones to spread the three tiers over, one subnet per tier per zone."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3
    error_message = "azs must name two or three Availability Zones."
  }
}

variable "public_subnet_cidrs" {
  description = "Public tier (ALB, NAT gateway, TURN server): one CIDR per AZ, in the order of azs."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "private_app_subnet_cidrs" {
  description = "Private app tier (Fargate tasks, interface endpoints): one CIDR per AZ, in the order of azs."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.private_app_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_app_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "private_data_subnet_cidrs" {
  description = "Private data tier (ElastiCache): one CIDR per AZ, in the order of azs. This tier has no route to the internet."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.private_data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_data_subnet_cidrs must be IPv4 CIDR blocks."
  }
}

variable "nat_gateway_mode" {
  description = "single: one NAT gateway for all private app subnets (one-AZ egress dependency); per_az: one NAT gateway per AZ; instance: one NAT instance in an autoscaling group of one (cheapest, one-AZ egress, HTTPS only, minutes of outage while a failed instance is replaced)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az", "instance"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"single\", \"per_az\" or \"instance\"."
  }
}

variable "nat_instance_type" {
  description = "EC2 instance type of the NAT instance (nat_gateway_mode = instance); an arm64 (Graviton) type."
  type        = string
  default     = "t4g.nano"

  validation {
    condition     = can(regex("^[a-z][0-9]+g[a-z]*\\.[a-z0-9]+$", var.nat_instance_type))
    error_message = "nat_instance_type must be a Graviton (arm64) type such as t4g.nano: the image is arm64."
  }
}

variable "interface_endpoints" {
  description = "AWS services reached through interface VPC endpoints instead of the NAT gateway. Each costs an hourly fee per AZ it is placed in; an empty list sends that traffic through NAT."
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
  description = "In how many AZs (the first N private app subnets) each interface endpoint gets a network interface. The hourly endpoint charge scales with this number."
  type        = number
  default     = 3

  validation {
    condition     = var.interface_endpoint_az_count >= 1 && var.interface_endpoint_az_count <= 3 && floor(var.interface_endpoint_az_count) == var.interface_endpoint_az_count
    error_message = "interface_endpoint_az_count must be a whole number from 1 to 3."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC Flow Logs log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a retention period CloudWatch Logs accepts (e.g. 30)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
