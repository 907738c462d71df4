# The scale profile (docs/cost.md): no single-AZ dependency on the way out, interface
# endpoints for the AWS API calls, autoscaled tasks and a TURN server for WebRTC video.
# `chesschat cost --tfvars terraform/environments/scale/terraform.tfvars` prices it. The
# values marked EXAMPLE are yours to replace (docs/deploy-aws.md, step 3).

environment = "prod"
region      = "us-east-1"

availability_zones        = ["us-east-1a", "us-east-1b", "us-east-1c"]
vpc_cidr                  = "10.20.0.0/16"
public_subnet_cidrs       = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
private_app_subnet_cidrs  = ["10.20.48.0/20", "10.20.64.0/20", "10.20.80.0/20"]
private_data_subnet_cidrs = ["10.20.96.0/20", "10.20.112.0/20", "10.20.128.0/20"]

nat_gateway_mode            = "per_az"
interface_endpoints         = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
interface_endpoint_az_count = 3

log_retention_days = 30

domain_name           = "chess-chat.com" # EXAMPLE: a domain you own
api_subdomain         = "api"
cognito_domain_prefix = "chesschat-prod-login" # EXAMPLE: must be unique across AWS

google_oauth_secret_name = null

alarm_email        = "ops@chess-chat.com" # EXAMPLE: who receives alarms
monthly_budget_usd = 1500

task_cpu                 = 512
task_memory              = 1024
desired_count            = 2
autoscaling_max_capacity = 10

redis_node_type     = "cache.t4g.medium"
redis_replica_count = 1

video_provider = "webrtc"
coturn_enabled = true

github_owner                = "chesschat" # EXAMPLE: your GitHub organisation or user
github_repository           = "chesschat" # EXAMPLE: your repository
manage_branch_protection    = true
create_github_oidc_provider = true
