output "kms_key_arn" {
  description = "KMS key for log groups, secrets, the alarm topic and CloudTrail."
  value       = aws_kms_key.this.arn
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm and budget alert goes to."
  value       = aws_sns_topic.this.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch operations dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "cloudtrail_bucket_name" {
  description = "S3 bucket receiving CloudTrail log files."
  value       = aws_s3_bucket.cloudtrail.bucket
}
