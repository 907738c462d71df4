output "bucket_name" {
  description = "S3 bucket of the web client (the deploy syncs into it)."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_arn" {
  description = "ARN of the web client bucket."
  value       = aws_s3_bucket.this.arn
}

output "distribution_id" {
  description = "ID of the CloudFront distribution (the deploy invalidates it)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "Domain name of the distribution, for the apex alias record."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_zone_id" {
  description = "Hosted zone of the distribution, for the apex alias record."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "certificate_arn" {
  description = "ACM certificate of the apex (validated by the route53 module)."
  value       = aws_acm_certificate.this.arn
}

output "certificate_domain_validation_options" {
  description = "DNS records ACM asks for to validate the apex certificate."
  value       = aws_acm_certificate.this.domain_validation_options
}
