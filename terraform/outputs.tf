output "name_servers" {
  description = "Enter these at the domain registrar so the zone (and ACM validation) works."
  value       = module.route53.name_servers
}

output "api_url" {
  description = "URL of the API and WebSocket."
  value       = "https://${local.api_hostname}"
}

output "web_url" {
  description = "URL of the web client."
  value       = "https://${var.domain_name}"
}

output "deploy_role_arn" {
  description = "Repository variable AWS_DEPLOY_ROLE_ARN of the deploy workflow."
  value       = module.github_actions_oidc.deploy_role_arn
}

output "ecr_repository_url" {
  description = "Repository variable ECR_REPOSITORY (its name is the part after the slash)."
  value       = module.ecs_compute.ecr_repository_url
}

output "ecs_cluster_name" {
  description = "Repository variable ECS_CLUSTER."
  value       = module.ecs_compute.cluster_name
}

output "ecs_service_name" {
  description = "Repository variable ECS_SERVICE."
  value       = module.ecs_compute.service_name
}

output "task_definition_family" {
  description = "Repository variable ECS_TASK_FAMILY."
  value       = module.ecs_compute.task_definition_family
}

output "web_bucket_name" {
  description = "Repository variable WEB_BUCKET."
  value       = module.static_edge.bucket_name
}

output "cloudfront_distribution_id" {
  description = "Repository variable CLOUDFRONT_DISTRIBUTION_ID."
  value       = module.static_edge.distribution_id
}

output "cognito_user_pool_id" {
  description = "Repository variable COGNITO_USER_POOL_ID (written into config.js)."
  value       = module.cognito.user_pool_id
}

output "cognito_client_id" {
  description = "Repository variable COGNITO_CLIENT_ID (written into config.js)."
  value       = module.cognito.client_id
}

output "cognito_hosted_ui_domain" {
  description = "Repository variable COGNITO_DOMAIN (written into config.js)."
  value       = module.cognito.hosted_ui_domain
}

output "alarm_topic_arn" {
  description = "SNS topic of alarms and budget alerts."
  value       = module.monitoring.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch operations dashboard."
  value       = module.monitoring.dashboard_name
}

output "dynamodb_table_names" {
  description = "DynamoDB tables by logical name."
  value       = module.dynamodb.table_names
}

output "turn_urls" {
  description = "TURN URLs handed to browsers (empty when coturn is off)."
  value       = flatten(module.coturn[*].turn_urls)
}

output "private_app_subnet_ids" {
  description = "Subnets for one-off tasks such as the dead-letter CLI (aws ecs run-task)."
  value       = module.vpc.private_app_subnet_ids
}

output "fargate_task_sg_id" {
  description = "Security group for one-off tasks such as the dead-letter CLI (aws ecs run-task)."
  value       = module.ecs.fargate_task_sg_id
}
