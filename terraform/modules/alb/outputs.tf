output "alb_sg_id" {
  description = "Security group of the ALB."
  value       = aws_security_group.this.id
}

output "alb_arn_suffix" {
  description = "ARN suffix of the ALB, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone of the ALB, for alias records."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "Target group of the application tasks (available once a listener forwards to it, as ECS requires)."
  value       = aws_lb_target_group.this.arn

  depends_on = [aws_lb_listener.https]
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, the TargetGroup dimension of its CloudWatch metrics."
  value       = aws_lb_target_group.this.arn_suffix
}

output "certificate_arn" {
  description = "ACM certificate of the API host (validated by the route53 module)."
  value       = aws_acm_certificate.this.arn
}

output "certificate_domain_validation_options" {
  description = "DNS records ACM asks for to validate the certificate."
  value       = aws_acm_certificate.this.domain_validation_options
}
