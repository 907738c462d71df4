variable "name" {
  description = "Name prefix of every resource, e.g. chesschat-dev."
  type        = string
}

variable "github_owner" {
  description = "GitHub organisation or user that owns the repository."
  type        = string
}

variable "github_repository" {
  description = "Repository name (without the owner)."
  type        = string
}

variable "deploy_branch" {
  description = "The only branch whose workflow runs may assume the deploy role, and the protected branch."
  type        = string
  default     = "main"
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider; false when the account already has one (there can be only one per URL)."
  type        = bool
  default     = true
}

variable "ecr_repository_arn" {
  description = "ECR repository the deploy pushes images to."
  type        = string
}

variable "web_bucket_arn" {
  description = "S3 bucket the deploy syncs the web client into."
  type        = string
}

variable "cloudfront_distribution_arn" {
  description = "CloudFront distribution the deploy invalidates."
  type        = string
}

variable "ecs_cluster_name" {
  description = "ECS cluster of the service the deploy updates."
  type        = string
}

variable "ecs_service_name" {
  description = "ECS service the deploy updates."
  type        = string
}

variable "task_role_arns" {
  description = "Task and execution roles the deploy may pass to ECS in a new task definition revision."
  type        = list(string)
}

variable "manage_branch_protection" {
  description = "Manage the deploy branch's protection with the GitHub provider (needs a GITHUB_TOKEN with admin rights on the repository)."
  type        = bool
  default     = true
}

variable "required_status_checks" {
  description = "Status checks (job names of the PR workflows) that must pass before merging to the deploy branch."
  type        = list(string)
  default     = ["backend", "frontend", "terraform"]
}

variable "required_approving_review_count" {
  description = "Approving reviews a pull request needs."
  type        = number
  default     = 1

  validation {
    condition     = var.required_approving_review_count >= 0 && var.required_approving_review_count <= 6
    error_message = "required_approving_review_count must be between 0 and 6."
  }
}

variable "tags" {
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
