output "fargate_task_sg_id" {
  description = "Security group of the Fargate tasks; the ALB and Redis security groups reference it."
  value       = aws_security_group.fargate_task.id
}

output "task_execution_role_arn" {
  description = "Role the ECS agent uses to pull the image and write logs."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "Role the application itself runs as."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Name of the application's task role."
  value       = aws_iam_role.task.name
}
