# Module wiring only: every module input is a variable, a local, or another module's
# output, so the dependency graph is explicit.
#
# The ecs / ecs_compute split breaks the security group <-> Redis cycle: the Fargate task
# security group is created in ecs (IAM and the SG, nothing that needs Redis), elasticache
# references it, and ecs_compute reads the Redis endpoint to start the tasks.
#
# Certificates make one round trip: alb and static_edge request them, route53 writes the
# validation records and waits, and the listeners and the distribution take the
# validated ARNs back.

locals {
  name = "${var.project}-${var.environment}"

  tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  metrics_namespace          = "Chesschat/${title(var.environment)}"
  api_hostname               = "${var.api_subdomain}.${var.domain_name}"
  turn_hostname              = "turn.${var.domain_name}"
  dynamodb_table_prefix      = "${local.name}-"
  application_log_group_name = "/ecs/${var.project}/application"
  container_port             = 8080

  # The application's settings (CHESSCHAT_*). Secrets are never here: the app reads the
  # Secrets Manager ARNs itself with its task role.
  app_environment = merge(
    {
      CHESSCHAT_ENV                   = var.environment
      CHESSCHAT_HOST                  = "0.0.0.0"
      CHESSCHAT_PORT                  = tostring(local.container_port)
      CHESSCHAT_DATA_DIR              = "/var/lib/chesschat"
      CHESSCHAT_PUBLIC_URL            = "https://${var.domain_name}"
      CHESSCHAT_COOKIE_SECURE         = "true"
      CHESSCHAT_AWS_REGION            = var.region
      CHESSCHAT_REDIS_URL             = "rediss://${module.elasticache.primary_endpoint}:${module.elasticache.port}/0"
      CHESSCHAT_REDIS_AUTH_SECRET_ARN = module.elasticache.auth_token_secret_arn
      CHESSCHAT_RECORD_STORE          = "dynamodb"
      CHESSCHAT_DYNAMODB_TABLE_PREFIX = local.dynamodb_table_prefix
      CHESSCHAT_IDENTITY              = var.identity_provider
      CHESSCHAT_VIDEO                 = var.video_provider
      CHESSCHAT_METRICS               = "cloudwatch"
      CHESSCHAT_TURN_URLS             = jsonencode(flatten(module.coturn[*].turn_urls))
      # Longer than the ALB's idle timeout (120 s), so that the ALB, not the app, closes an
      # idle connection: the other way round a request can land on a closing one (a 502).
      CHESSCHAT_HTTP_KEEP_ALIVE_SECONDS = "130"
      # The ALB appends the address each client reached it from to X-Forwarded-For; the
      # sign-in throttle counts per client address by that entry.
      CHESSCHAT_TRUSTED_PROXY_HOPS = "1"
    },
    # Only when the TURN server exists (module.coturn has zero or one instance).
    { for arn in module.coturn[*].secret_arn : "CHESSCHAT_TURN_SECRET_ARN" => arn },
    var.identity_provider == "cognito" ? {
      CHESSCHAT_COGNITO_USER_POOL_ID = module.cognito.user_pool_id
      CHESSCHAT_COGNITO_CLIENT_ID    = module.cognito.client_id
      CHESSCHAT_COGNITO_REGION       = var.region
      CHESSCHAT_COGNITO_DOMAIN       = var.google_oauth_secret_name != null ? module.cognito.hosted_ui_url : ""
      CHESSCHAT_SESSION_KEY_ARN      = module.cognito.session_key_secret_arn
    } : {},
  )

  app_secret_arns = concat(
    [module.elasticache.auth_token_secret_arn],
    module.coturn[*].secret_arn,
    var.identity_provider == "cognito" ? [module.cognito.session_key_secret_arn] : [],
  )
}

module "monitoring" {
  source = "./modules/monitoring"

  name                       = local.name
  alarm_email                = var.alarm_email
  ecs_cluster_name           = module.ecs_compute.cluster_name
  ecs_service_name           = module.ecs_compute.service_name
  alb_arn_suffix             = module.alb.alb_arn_suffix
  target_group_arn_suffix    = module.alb.target_group_arn_suffix
  dynamodb_table_names       = module.dynamodb.table_names
  redis_cluster_ids          = module.elasticache.member_cluster_ids
  application_log_group_name = module.ecs_compute.application_log_group_name
  metrics_namespace          = local.metrics_namespace
  monthly_budget_usd         = var.monthly_budget_usd
  tags                       = local.tags
}

module "vpc" {
  source = "./modules/vpc"

  name                        = local.name
  cidr                        = var.vpc_cidr
  azs                         = var.availability_zones
  public_subnet_cidrs         = var.public_subnet_cidrs
  private_app_subnet_cidrs    = var.private_app_subnet_cidrs
  private_data_subnet_cidrs   = var.private_data_subnet_cidrs
  nat_gateway_mode            = var.nat_gateway_mode
  nat_instance_type           = var.nat_instance_type
  interface_endpoints         = var.interface_endpoints
  interface_endpoint_az_count = var.interface_endpoint_az_count
  flow_log_retention_days     = var.log_retention_days
  log_kms_key_arn             = module.monitoring.kms_key_arn
  tags                        = local.tags
}

module "dynamodb" {
  source = "./modules/dynamodb"

  table_name_prefix   = local.dynamodb_table_prefix
  deletion_protection = var.deletion_protection
  tags                = local.tags
}

module "ecs" {
  source = "./modules/ecs"

  name                      = local.name
  vpc_id                    = module.vpc.vpc_id
  ecr_repository_arn        = module.ecs_compute.ecr_repository_arn
  application_log_group_arn = module.ecs_compute.application_log_group_arn
  dynamodb_table_arns       = module.dynamodb.table_arns
  dynamodb_index_arns       = module.dynamodb.index_arns
  app_secret_arns           = local.app_secret_arns
  secrets_kms_key_arn       = module.monitoring.kms_key_arn
  metrics_namespace         = local.metrics_namespace
  enable_chime              = var.video_provider == "chime"
  tags                      = local.tags
}

module "elasticache" {
  source = "./modules/elasticache"

  name                    = local.name
  vpc_id                  = module.vpc.vpc_id
  private_data_subnet_ids = module.vpc.private_data_subnet_ids
  fargate_sg_id           = module.ecs.fargate_task_sg_id
  node_type               = var.redis_node_type
  replica_count           = var.redis_replica_count
  kms_key_arn             = module.monitoring.kms_key_arn
  tags                    = local.tags
}

module "alb" {
  source = "./modules/alb"

  name                      = local.name
  vpc_id                    = module.vpc.vpc_id
  public_subnet_ids         = module.vpc.public_subnet_ids
  fargate_task_sg_id        = module.ecs.fargate_task_sg_id
  domain_name               = local.api_hostname
  validated_certificate_arn = module.route53.alb_validated_certificate_arn
  container_port            = local.container_port
  deletion_protection       = var.deletion_protection
  tags                      = local.tags
}

module "cognito" {
  source = "./modules/cognito"

  name                     = local.name
  domain_prefix            = var.cognito_domain_prefix
  callback_urls            = ["https://${var.domain_name}/api/auth/callback"]
  logout_urls              = ["https://${var.domain_name}/"]
  google_oauth_secret_name = var.google_oauth_secret_name
  kms_key_arn              = module.monitoring.kms_key_arn
  deletion_protection      = var.deletion_protection
  tags                     = local.tags
}

module "coturn" {
  source = "./modules/coturn"
  count  = var.coturn_enabled ? 1 : 0

  name               = local.name
  vpc_id             = module.vpc.vpc_id
  public_subnet_id   = module.vpc.public_subnet_ids[0]
  hostname           = local.turn_hostname
  secret_kms_key_arn = module.monitoring.kms_key_arn
  tags               = local.tags
}

module "ecs_compute" {
  source = "./modules/ecs_compute"

  name                       = local.name
  environment                = var.environment
  ecr_repository_name        = local.name
  application_log_group_name = local.application_log_group_name
  log_retention_days         = var.log_retention_days
  log_kms_key_arn            = module.monitoring.kms_key_arn
  private_app_subnet_ids     = module.vpc.private_app_subnet_ids
  fargate_task_sg_id         = module.ecs.fargate_task_sg_id
  alb_sg_id                  = module.alb.alb_sg_id
  redis_sg_id                = module.elasticache.redis_sg_id
  target_group_arn           = module.alb.target_group_arn
  task_role_arn              = module.ecs.task_role_arn
  task_execution_role_arn    = module.ecs.task_execution_role_arn
  container_port             = local.container_port
  image_tag                  = var.container_image_tag
  task_cpu                   = var.task_cpu
  task_memory                = var.task_memory
  desired_count              = var.desired_count
  autoscaling_max_capacity   = var.autoscaling_max_capacity
  app_environment            = local.app_environment
  tags                       = local.tags
}

module "static_edge" {
  source = "./modules/static_edge"

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                      = local.name
  domain_name               = var.domain_name
  api_origin                = "https://${local.api_hostname}"
  chime                     = var.video_provider == "chime"
  validated_certificate_arn = module.route53.cdn_validated_certificate_arn
  tags                      = local.tags
}

module "route53" {
  source = "./modules/route53"

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  domain_name                        = var.domain_name
  api_hostname                       = local.api_hostname
  alb_dns_name                       = module.alb.alb_dns_name
  alb_zone_id                        = module.alb.alb_zone_id
  cloudfront_domain_name             = module.static_edge.distribution_domain_name
  cloudfront_zone_id                 = module.static_edge.distribution_zone_id
  alb_certificate_arn                = module.alb.certificate_arn
  alb_certificate_validation_options = module.alb.certificate_domain_validation_options
  cdn_certificate_arn                = module.static_edge.certificate_arn
  cdn_certificate_validation_options = module.static_edge.certificate_domain_validation_options
  turn_record                        = one([for turn in module.coturn : { hostname = local.turn_hostname, address = turn.public_ip }])
  tags                               = local.tags
}

module "github_actions_oidc" {
  source = "./modules/github_actions_oidc"

  name                        = local.name
  github_owner                = var.github_owner
  github_repository           = var.github_repository
  create_oidc_provider        = var.create_github_oidc_provider
  ecr_repository_arn          = module.ecs_compute.ecr_repository_arn
  web_bucket_arn              = module.static_edge.bucket_arn
  cloudfront_distribution_arn = module.static_edge.distribution_arn
  ecs_cluster_name            = module.ecs_compute.cluster_name
  ecs_service_name            = module.ecs_compute.service_name
  task_role_arns              = [module.ecs.task_role_arn, module.ecs.task_execution_role_arn]
  manage_branch_protection    = var.manage_branch_protection
  tags                        = local.tags
}
