variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "domain_prefix" {
  description = "Prefix of the Cognito hosted UI domain (<prefix>.auth.<region>.amazoncognito.com); globally unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.domain_prefix))
    error_message = "domain_prefix must be lowercase letters, digits and hyphens."
  }
}

variable "callback_urls" {
  description = "URLs the hosted UI may return to after sign-in."
  type        = list(string)

  validation {
    condition     = alltrue([for u in var.callback_urls : startswith(u, "https://")])
    error_message = "callback_urls must be https:// URLs."
  }
}

variable "logout_urls" {
  description = "URLs the hosted UI may return to after sign-out."
  type        = list(string)

  validation {
    condition     = alltrue([for u in var.logout_urls : startswith(u, "https://")])
    error_message = "logout_urls must be https:// URLs."
  }
}

variable "mfa_configuration" {
  description = "Multi-factor authentication: OPTIONAL lets each user turn on TOTP."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OFF, OPTIONAL or ON."
  }
}

variable "google_oauth_secret_name" {
  description = "Name of a Secrets Manager secret holding {\"client_id\": ..., \"client_secret\": ...} of the Google OAuth client; null leaves Google sign-in out."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the session sealing key's secret."
  type        = string
}
