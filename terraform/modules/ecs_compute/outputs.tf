output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_family" {
  description = "Family of the task definition; the deploy workflow registers new revisions of it."
  value       = aws_ecs_task_definition.this.family
}

output "ecr_repository_url" {
  description = "URL of the ECR repository (registry/name)."
  value       = aws_ecr_repository.this.repository_url
}

output "application_log_group_name" {
  description = "CloudWatch log group of the application."
  value       = aws_cloudwatch_log_group.application.name
}

output "ecr_repository_arn" {
  description = "ARN of the ECR repository."
  value       = aws_ecr_repository.this.arn
}

output "application_log_group_arn" {
  description = "ARN of the application log group."
  value       = aws_cloudwatch_log_group.application.arn
}
