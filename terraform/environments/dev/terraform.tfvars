# Development environment. The values marked EXAMPLE are this file's illustration of the
# format: replace them with your own before `terraform plan` (docs/deploy-aws.md, step 3).

environment = "dev"
region      = "us-east-1"

availability_zones        = ["us-east-1a", "us-east-1b", "us-east-1c"]
vpc_cidr                  = "10.20.0.0/16"
public_subnet_cidrs       = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
private_app_subnet_cidrs  = ["10.20.48.0/20", "10.20.64.0/20", "10.20.80.0/20"]
private_data_subnet_cidrs = ["10.20.96.0/20", "10.20.112.0/20", "10.20.128.0/20"]

# The fixed-cost trade-offs as settings: one NAT gateway; four interface endpoints in three
# AZs (12 endpoint-hours per hour). For a quiet dev account, interface_endpoints = [] or
# interface_endpoint_az_count = 1 cuts most of that line of the bill.
nat_gateway_mode            = "single"
interface_endpoints         = ["ecr.api", "ecr.dkr", "logs", "secretsmanager"]
interface_endpoint_az_count = 3

log_retention_days = 30

domain_name           = "chess-chat.com" # EXAMPLE: a domain you own
api_subdomain         = "api"
cognito_domain_prefix = "chesschat-dev-login" # EXAMPLE: must be unique across AWS

# EXAMPLE: name of a secret you create holding {"client_id": "...", "client_secret": "..."}
# of your Google OAuth client; set to null to leave Google sign-in out.
google_oauth_secret_name = "chesschat/dev/google-oauth"

alarm_email        = "ops@chess-chat.com" # EXAMPLE: who receives alarms
monthly_budget_usd = 100

task_cpu                 = 256
task_memory              = 512
desired_count            = 1
autoscaling_max_capacity = 4
redis_node_type          = "cache.t4g.micro"

video_provider = "webrtc"
coturn_enabled = false

github_owner                = "chesschat" # EXAMPLE: your GitHub organisation or user
github_repository           = "chesschat" # EXAMPLE: your repository
manage_branch_protection    = true
create_github_oidc_provider = true
