# Redis for the live state: TLS in transit, an AUTH token kept in Secrets Manager,
# encryption at rest, a primary and (unless replica_count = 0) replicas in other AZs.

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-redis-"
  description = "Redis: 6379 from the Fargate task security group only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-redis" })

  lifecycle {
    create_before_destroy = true
  }
}

# The bottom of the chain: Fargate task SG -> Redis SG, by reference, never by CIDR.
resource "aws_vpc_security_group_ingress_rule" "from_tasks" {
  security_group_id            = aws_security_group.this.id
  description                  = "Redis from the Fargate tasks"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = var.fargate_sg_id
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.private_data_subnet_ids

  tags = var.tags
}

resource "aws_elasticache_parameter_group" "this" {
  name   = "${var.name}-redis"
  family = var.parameter_group_family

  # Live state carries TTLs; evict only keys that have one before refusing writes.
  parameter {
    name  = "maxmemory-policy"
    value = "volatile-lru"
  }

  tags = var.tags
}

resource "random_password" "auth_token" {
  length           = 64
  special          = true
  override_special = "!&#$^<>-"
}

resource "aws_secretsmanager_secret" "auth_token" {
  # checkov:skip=CKV2_AWS_57:Rotating an ElastiCache AUTH token needs a ROTATE-then-SET sequence on the replication group; rotation is an operator procedure (docs/operations.md), not a Lambda.
  name_prefix = "${var.name}/redis-auth-token-"
  description = "AUTH token of the ${var.name} Redis replication group"
  kms_key_id  = var.kms_key_arn

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "auth_token" {
  secret_id     = aws_secretsmanager_secret.auth_token.id
  secret_string = random_password.auth_token.result
}

resource "aws_elasticache_replication_group" "this" {
  # checkov:skip=CKV2_AWS_50:Multi-AZ failover is on whenever there is a replica (the default); replica_count = 0 is a single node with nothing to fail over to, a trade docs/cost.md describes.
  replication_group_id       = var.name
  description                = "ChessChat live state (${var.name})"
  engine                     = "redis"
  engine_version             = var.engine_version
  node_type                  = var.node_type
  port                       = 6379
  num_cache_clusters         = 1 + var.replica_count
  automatic_failover_enabled = var.replica_count > 0
  multi_az_enabled           = var.replica_count > 0
  parameter_group_name       = aws_elasticache_parameter_group.this.name
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  security_group_ids         = [aws_security_group.this.id]
  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = random_password.auth_token.result
  # A new token is added next to the old one, so running tasks keep working until they
  # are restarted with the new one (docs/operations.md, rotating the Redis AUTH token).
  auth_token_update_strategy = "ROTATE"
  snapshot_retention_limit   = var.snapshot_retention_days
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = var.tags
}
