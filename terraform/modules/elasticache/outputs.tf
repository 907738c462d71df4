output "primary_endpoint" {
  description = "Host name of the primary (TLS)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token_secret_arn" {
  description = "Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth_token.arn
}

output "redis_sg_id" {
  description = "Security group of the Redis nodes."
  value       = aws_security_group.this.id
}

output "replication_group_id" {
  description = "ID of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "member_cluster_ids" {
  description = "Cache cluster IDs of the nodes (ElastiCache names them <group>-001, -002, ...), known at plan time."
  value       = [for i in range(1 + var.replica_count) : format("%s-%03d", var.name, i + 1)]
}
