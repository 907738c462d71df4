# The lean profile (docs/cost.md): the dev environment's trust chain, private app and data
# tiers, no inbound path to the tasks or Redis, with the cheapest always-on parts. What it
# gives up: a second AZ's egress and cache, endpoint isolation of the AWS API calls, and
# the live games while a failed NAT instance or cache node is replaced. `chesschat cost
# --tfvars terraform/environments/lean/terraform.tfvars` prices it. The values marked
# EXAMPLE are yours to replace (docs/deploy-aws.md, step 3).

environment = "prod"
region      = "us-east-1"

# Two AZs, the fewest an ALB accepts.
availability_zones        = ["us-east-1a", "us-east-1b"]
vpc_cidr                  = "10.20.0.0/16"
public_subnet_cidrs       = ["10.20.0.0/20", "10.20.16.0/20"]
private_app_subnet_cidrs  = ["10.20.48.0/20", "10.20.64.0/20"]
private_data_subnet_cidrs = ["10.20.96.0/20", "10.20.112.0/20"]

# One t4g.nano NAT instance instead of a NAT gateway, and no interface endpoints: the
# tasks reach ECR, CloudWatch Logs and Secrets Manager through it, over HTTPS.
nat_gateway_mode            = "instance"
nat_instance_type           = "t4g.nano"
interface_endpoints         = []
interface_endpoint_az_count = 1

log_retention_days = 30

domain_name           = "chess-chat.com" # EXAMPLE: a domain you own
api_subdomain         = "api"
cognito_domain_prefix = "chesschat-lean-login" # EXAMPLE: must be unique across AWS

google_oauth_secret_name = null

alarm_email        = "ops@chess-chat.com" # EXAMPLE: who receives alarms
monthly_budget_usd = 80

task_cpu                 = 256
task_memory              = 512
desired_count            = 1
autoscaling_max_capacity = 2

# A single cache node: Redis holds only live state, and the games in play are lost while
# a failed node is replaced.
redis_node_type     = "cache.t4g.micro"
redis_replica_count = 0

# Chime bills per attendee-minute and costs nothing idle; a TURN server pays for itself
# past the break-even in docs/cost.md.
video_provider = "chime"
coturn_enabled = false

github_owner                = "chesschat" # EXAMPLE: your GitHub organisation or user
github_repository           = "chesschat" # EXAMPLE: your repository
manage_branch_protection    = true
create_github_oidc_provider = true
