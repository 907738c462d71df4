variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets the ALB spans."
  type        = list(string)
}

variable "fargate_task_sg_id" {
  description = "Security group of the Fargate tasks; the ALB may send traffic only to it."
  type        = string
}

variable "domain_name" {
  description = "Host name the ALB serves (the API and WebSocket host), e.g. api.chess-chat.com."
  type        = string
}

variable "validated_certificate_arn" {
  description = "ARN of this module's ACM certificate once DNS validation has completed (from the route53 module)."
  type        = string
}

variable "container_port" {
  description = "Port of the application container the target group forwards to."
  type        = number
  default     = 8080

  validation {
    condition     = var.container_port > 0 && var.container_port < 65536
    error_message = "container_port must be a TCP port number."
  }
}

variable "stickiness_duration_seconds" {
  description = "Lifetime of the lb_cookie that pins a WebSocket client to one task."
  type        = number
  default     = 86400

  validation {
    condition     = var.stickiness_duration_seconds >= 1 && var.stickiness_duration_seconds <= 604800
    error_message = "stickiness_duration_seconds must be between 1 second and 7 days."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "idle_timeout_seconds" {
  description = "ALB idle timeout; WebSocket connections carry a 30 s ping so 120 s is ample."
  type        = number
  default     = 120
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
