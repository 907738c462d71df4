output "user_pool_id" {
  description = "ID of the user pool (CHESSCHAT_COGNITO_USER_POOL_ID)."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "client_id" {
  description = "ID of the browser app client (CHESSCHAT_COGNITO_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.this.id
}

output "hosted_ui_domain" {
  description = "Domain of the Cognito hosted UI."
  value       = "${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.name}.amazoncognito.com"
}

output "hosted_ui_url" {
  description = "Base URL of the hosted UI (CHESSCHAT_COGNITO_DOMAIN)."
  value       = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.name}.amazoncognito.com"
}

output "session_key_secret_arn" {
  description = "Secrets Manager secret of the session sealing key (CHESSCHAT_SESSION_KEY_ARN)."
  value       = aws_secretsmanager_secret.session_key.arn
}
