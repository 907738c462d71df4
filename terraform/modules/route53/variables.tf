variable "domain_name" {
  description = "Apex domain of the product, e.g. chess-chat.com; this module creates its public hosted zone."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name such as chess-chat.com."
  }
}

variable "api_hostname" {
  description = "Host name of the API and WebSocket (the ALB), e.g. api.chess-chat.com."
  type        = string
}

variable "alb_dns_name" {
  description = "DNS name of the ALB."
  type        = string
}

variable "alb_zone_id" {
  description = "Hosted zone of the ALB."
  type        = string
}

variable "cloudfront_domain_name" {
  description = "Domain name of the CloudFront distribution serving the apex."
  type        = string
}

variable "cloudfront_zone_id" {
  description = "Hosted zone of the CloudFront distribution."
  type        = string
}

variable "alb_certificate_arn" {
  description = "ACM certificate of the API host (main region)."
  type        = string
}

variable "alb_certificate_validation_options" {
  description = "DNS records ACM asks for to validate the API certificate."
  type = set(object({
    domain_name           = string
    resource_record_name  = string
    resource_record_type  = string
    resource_record_value = string
  }))
}

variable "cdn_certificate_arn" {
  description = "ACM certificate of the apex (us-east-1, for CloudFront)."
  type        = string
}

variable "cdn_certificate_validation_options" {
  description = "DNS records ACM asks for to validate the apex certificate."
  type = set(object({
    domain_name           = string
    resource_record_name  = string
    resource_record_type  = string
    resource_record_value = string
  }))
}

variable "turn_record" {
  description = "TURN server host name and its public IPv4 address; null when coturn is off."
  type = object({
    hostname = string
    address  = string
  })
  default = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
