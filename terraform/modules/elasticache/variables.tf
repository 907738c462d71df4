variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the Redis security group."
  type        = string
}

variable "private_data_subnet_ids" {
  description = "Private data subnets (no internet route) the Redis nodes live in."
  type        = list(string)
}

variable "fargate_sg_id" {
  description = "Security group of the Fargate tasks: the only source allowed to reach Redis."
  type        = string
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "replica_count" {
  description = "Read replicas next to the primary: 1 or more gives automatic failover to another AZ; 0 is a single node, whose loss drops the live games until it is replaced."
  type        = number
  default     = 1

  validation {
    condition     = var.replica_count >= 0 && var.replica_count <= 5 && floor(var.replica_count) == var.replica_count
    error_message = "replica_count must be a whole number from 0 to 5."
  }
}

variable "engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "parameter_group_family" {
  description = "Parameter group family matching engine_version."
  type        = string
  default     = "redis7"
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the Redis data at rest and the AUTH token secret."
  type        = string
}

variable "snapshot_retention_days" {
  description = "Days of automatic snapshots. Redis holds only disposable live state, so 1 is enough."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
