output "public_ip" {
  description = "Elastic IP of the TURN server."
  value       = aws_eip.this.public_ip
}

output "turn_urls" {
  description = "TURN URLs the app hands to browsers (CHESSCHAT_TURN_URLS)."
  value = [
    "turn:${var.hostname}:${var.listening_port}?transport=udp",
    "turn:${var.hostname}:${var.listening_port}?transport=tcp",
  ]
}

output "secret_arn" {
  description = "Secrets Manager secret shared by coturn and the app (CHESSCHAT_TURN_SECRET_ARN)."
  value       = aws_secretsmanager_secret.this.arn
}
