variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "domain_name" {
  description = "Host name the distribution serves, the product's apex, e.g. chess-chat.com."
  type        = string
}

variable "api_origin" {
  description = "Origin of the API and WebSocket host the web client talks to, e.g. https://api.chess-chat.com (allowed by the content security policy)."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+$", var.api_origin))
    error_message = "api_origin must be an https:// origin without a path."
  }
}

variable "validated_certificate_arn" {
  description = "ARN of this module's us-east-1 certificate once DNS validation has completed (from the route53 module)."
  type        = string
}

variable "default_ttl_seconds" {
  description = "Cache lifetime of assets that send no Cache-Control header (the deploy sets 300 s on assets and no-store on config.js)."
  type        = number
  default     = 300
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "chime" {
  description = "The pages run Chime video (video_provider = chime): their policy lets them reach the meeting."
  type        = bool
  default     = false
}
