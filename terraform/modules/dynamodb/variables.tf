variable "table_name_prefix" {
  description = "Prefix of every table name, e.g. chesschat-dev- (the application's CHESSCHAT_DYNAMODB_TABLE_PREFIX)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+-$", var.table_name_prefix))
    error_message = "table_name_prefix must be letters, digits, _ . - and end with a hyphen."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
