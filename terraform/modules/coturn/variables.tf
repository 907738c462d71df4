variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the TURN server."
  type        = string
}

variable "public_subnet_id" {
  description = "Public subnet the TURN server runs in (it needs a public address)."
  type        = string
}

variable "hostname" {
  description = "Public host name of the TURN server, e.g. turn.chess-chat.com (also its realm)."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type; relaying 1-on-1 video needs little CPU, mostly network."
  type        = string
  default     = "t4g.small"
}

variable "listening_port" {
  description = "TURN listening port (UDP and TCP)."
  type        = number
  default     = 3478

  validation {
    condition     = var.listening_port > 0 && var.listening_port < 65536
    error_message = "listening_port must be a port number."
  }
}

variable "relay_port_range" {
  description = "UDP ports the server allocates relayed addresses from."
  type = object({
    min = number
    max = number
  })
  default = { min = 49152, max = 65535 }

  validation {
    condition     = var.relay_port_range.min >= 1024 && var.relay_port_range.max <= 65535 && var.relay_port_range.min < var.relay_port_range.max
    error_message = "relay_port_range must be an increasing range within 1024-65535."
  }
}

variable "secret_kms_key_arn" {
  description = "KMS key that encrypts the shared TURN secret."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
