output "deploy_role_arn" {
  description = "Role the deploy workflow assumes (set it as the AWS_DEPLOY_ROLE_ARN repository variable)."
  value       = aws_iam_role.this.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.provider_arn
}
