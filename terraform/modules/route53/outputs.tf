output "zone_id" {
  description = "ID of the public hosted zone."
  value       = aws_route53_zone.this.zone_id
}

output "name_servers" {
  description = "Name servers to enter at the domain registrar."
  value       = aws_route53_zone.this.name_servers
}

output "alb_validated_certificate_arn" {
  description = "API certificate ARN, available once ACM has validated it."
  value       = aws_acm_certificate_validation.alb.certificate_arn
}

output "cdn_validated_certificate_arn" {
  description = "Apex certificate ARN (us-east-1), available once ACM has validated it."
  value       = aws_acm_certificate_validation.cdn.certificate_arn
}
