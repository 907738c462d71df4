"""Data stores, the edge, identity, the container platform and branch protection."""

from __future__ import annotations

import re

import yaml

from tests.infra import hcl

# The records of the design: table -> (hash key, range key, {index: (hash key, range key)}).
DESIGN_TABLES = {
    "users": ("user_id", None, {}),
    "usernames": ("username", None, {}),
    "games": (
        "game_id",
        None,
        {"white-player-index": ("white_player_id", "ended_at"), "black-player-index": ("black_player_id", "ended_at")},
    ),
    "friendships": ("user_id", "friend_user_id", {}),
    "friend_requests": ("recipient_user_id", "request_id", {"sender-index": ("sender_user_id", "created_at")}),
    "challenges": (
        "challenge_id",
        None,
        {
            "challenger-index": ("challenger_user_id", "created_at"),
            "challenged-index": ("challenged_user_id", "created_at"),
        },
    ),
    "notifications": ("user_id", "notification_id", {}),
    "pair_rooms": ("pair_id", None, {}),
    # Local accounts' sessions; expire by TTL.
    "sessions": ("token_hash", None, {}),
    # Engine reviews, one per reviewed game.
    "game_analyses": ("game_id", None, {}),
}


def test_dynamodb_tables_and_indexes_are_the_designs() -> None:
    tables = hcl.module("dynamodb").locals["tables"]
    actual = {
        name: (
            t["hash_key"],
            t["range_key"],
            {i: (x["hash_key"], x["range_key"]) for i, x in t["indexes"].items()},
        )
        for name, t in tables.items()
    }
    assert actual == DESIGN_TABLES
    for name, t in tables.items():
        keys = {t["hash_key"], t["range_key"]} | {k for x in t["indexes"].values() for k in x.values()}
        assert set(t["attributes"]) == keys - {None}, f"{name}: attributes must be exactly the key attributes"


def test_dynamodb_tables_are_named_chesschat_env_table() -> None:
    table = hcl.module("dynamodb").resource("aws_dynamodb_table", "this")
    assert table["name"] == "${var.table_name_prefix}${each.key}"
    assert hcl.root().locals["dynamodb_table_prefix"] == "${local.name}-"
    assert hcl.root().locals["name"] == "${var.project}-${var.environment}"
    assert hcl.root().variables["project"]["default"] == "chesschat"
    assert "CHESSCHAT_DYNAMODB_TABLE_PREFIX" in hcl.root().locals["app_environment"]


def test_dynamodb_tables_have_pitr_and_encryption_and_are_on_demand() -> None:
    table = hcl.module("dynamodb").resource("aws_dynamodb_table", "this")
    assert table["point_in_time_recovery"][0]["enabled"] is True
    assert table["server_side_encryption"][0]["enabled"] is True
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["deletion_protection_enabled"] == "${var.deletion_protection}"


def test_redis_has_tls_auth_token_in_secrets_manager_encryption_and_by_default_a_replica() -> None:
    elasticache = hcl.module("elasticache")
    group = elasticache.resource("aws_elasticache_replication_group", "this")
    assert group["transit_encryption_enabled"] is True
    assert group["at_rest_encryption_enabled"] is True
    assert group["auth_token"] == "${random_password.auth_token.result}"
    assert group["num_cache_clusters"] == "${1 + var.replica_count}"
    assert elasticache.variables["replica_count"]["default"] == 1
    assert hcl.root().variables["redis_replica_count"]["default"] == 1
    assert hcl.root().module_calls["elasticache"]["replica_count"] == "${var.redis_replica_count}"
    # Failover needs a replica to fail over to; a single node (replica_count = 0) has none.
    assert group["automatic_failover_enabled"] == "${var.replica_count > 0}"
    assert group["multi_az_enabled"] == "${var.replica_count > 0}"
    (validation,) = elasticache.variables["replica_count"]["validation"]
    assert "var.replica_count >= 0" in validation["condition"]
    assert group["subnet_group_name"] == "${aws_elasticache_subnet_group.this.name}"
    assert elasticache.resource("aws_elasticache_subnet_group", "this")["subnet_ids"] == (
        "${var.private_data_subnet_ids}"
    )
    version = elasticache.resource("aws_secretsmanager_secret_version", "auth_token")
    assert version["secret_string"] == "${random_password.auth_token.result}"
    # The app connects with TLS (rediss://) and fetches the token by ARN, never from env.
    env = hcl.root().locals["app_environment"]
    assert "rediss://${module.elasticache.primary_endpoint}" in env
    assert "CHESSCHAT_REDIS_AUTH_SECRET_ARN" in env
    assert not re.search(r"(TOKEN|PASSWORD|SECRET)\b['\"]?\s*[:=]", env.replace("SECRET_ARN", ""))


def test_alb_is_sticky_for_24_hours_and_redirects_http_to_https() -> None:
    alb = hcl.module("alb")
    (stickiness,) = alb.resource("aws_lb_target_group", "this")["stickiness"]
    assert stickiness["type"] == "lb_cookie" and stickiness["enabled"] is True
    assert stickiness["cookie_duration"] == "${var.stickiness_duration_seconds}"
    assert alb.variables["stickiness_duration_seconds"]["default"] == 24 * 3600
    (health,) = alb.resource("aws_lb_target_group", "this")["health_check"]
    assert health["path"] == "/healthz"
    http = alb.resource("aws_lb_listener", "http")
    (action,) = http["default_action"]
    assert action["type"] == "redirect"
    assert action["redirect"][0]["protocol"] == "HTTPS" and action["redirect"][0]["status_code"] == "HTTP_301"
    https = alb.resource("aws_lb_listener", "https")
    assert https["protocol"] == "HTTPS" and https["port"] == 443
    assert https["certificate_arn"] == "${var.validated_certificate_arn}"
    assert alb.resource("aws_acm_certificate", "this")["validation_method"] == "DNS"
    assert hcl.root().module_calls["alb"]["validated_certificate_arn"] == (
        "${module.route53.alb_validated_certificate_arn}"
    )


def test_static_site_bucket_is_private_and_readable_only_by_its_distribution() -> None:
    edge = hcl.module("static_edge")
    block = edge.resource("aws_s3_bucket_public_access_block", "this")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    oac = edge.resource("aws_cloudfront_origin_access_control", "this")
    assert (oac["signing_behavior"], oac["signing_protocol"]) == ("always", "sigv4")
    (read, deny) = edge.data("aws_iam_policy_document", "bucket")["statement"]
    assert read["actions"] == ["s3:GetObject"]
    assert read["principals"][0]["identifiers"] == ["cloudfront.amazonaws.com"]
    (condition,) = read["condition"]
    assert condition["values"] == ["${aws_cloudfront_distribution.this.arn}"]
    assert deny["effect"] == "Deny"
    distribution = edge.resource("aws_cloudfront_distribution", "this")
    assert distribution["origin"][0]["origin_access_control_id"] == "${aws_cloudfront_origin_access_control.this.id}"
    assert distribution["default_cache_behavior"][0]["viewer_protocol_policy"] == "redirect-to-https"
    assert distribution["viewer_certificate"][0]["acm_certificate_arn"] == "${var.validated_certificate_arn}"
    # CloudFront certificates come from us-east-1.
    assert edge.resource("aws_acm_certificate", "this")["provider"] == "${aws.us_east_1}"


def test_cloudfront_honours_no_store_and_caches_the_rest_5_minutes() -> None:
    edge = hcl.module("static_edge")
    policy = edge.resource("aws_cloudfront_cache_policy", "this")
    assert policy["min_ttl"] == 0
    assert policy["default_ttl"] == "${var.default_ttl_seconds}"
    assert edge.variables["default_ttl_seconds"]["default"] == 300


def test_cognito_verifies_email_enforces_passwords_offers_mfa_and_google() -> None:
    cognito = hcl.module("cognito")
    pool = cognito.resource("aws_cognito_user_pool", "this")
    assert pool["auto_verified_attributes"] == ["email"]
    (password,) = pool["password_policy"]
    assert password["minimum_length"] >= 12
    assert all(
        password[k] is True for k in ("require_lowercase", "require_uppercase", "require_numbers", "require_symbols")
    )
    assert pool["mfa_configuration"] == "${var.mfa_configuration}"
    assert cognito.variables["mfa_configuration"]["default"] == "OPTIONAL"
    assert pool["software_token_mfa_configuration"][0]["enabled"] is True
    google = cognito.resource("aws_cognito_identity_provider", "google")
    assert google["provider_type"] == "Google"
    # The Google client secret comes from Secrets Manager, never from a variable.
    assert "data.aws_secretsmanager_secret_version.google" in google["provider_details"]["client_secret"]
    client = cognito.resource("aws_cognito_user_pool_client", "this")
    assert client["generate_secret"] is False and client["allowed_oauth_flows"] == ["code"]


def test_cognito_app_client_fits_the_servers_sign_in_and_the_app_is_told_its_pool() -> None:
    client = hcl.module("cognito").resource("aws_cognito_user_pool_client", "this")
    # The server signs in with a password and refreshes; the original client keeps SRP.
    assert {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"} == set(
        client["explicit_auth_flows"]
    )
    # Google comes back to the server's callback, the path the app serves.
    callbacks = hcl.root().module_calls["cognito"]["callback_urls"]
    assert callbacks == ["https://${var.domain_name}/api/auth/callback"]
    env = hcl.root().locals["app_environment"]
    for setting in ("USER_POOL_ID", "CLIENT_ID", "REGION", "DOMAIN"):
        assert f"CHESSCHAT_COGNITO_{setting}" in env
    # The sealing key is read by ARN from Secrets Manager, and only in cognito mode.
    assert "CHESSCHAT_SESSION_KEY_ARN = module.cognito.session_key_secret_arn" in env
    assert "module.cognito.session_key_secret_arn" in hcl.root().locals["app_secret_arns"]


def test_ecr_scans_on_push_and_keeps_the_last_10_images() -> None:
    compute = hcl.module("ecs_compute")
    repo = compute.resource("aws_ecr_repository", "this")
    assert repo["image_scanning_configuration"][0]["scan_on_push"] is True
    policy = compute.resource("aws_ecr_lifecycle_policy", "this")["policy"]
    assert re.search(r"countType\s*=\s*\\?\"imageCountMoreThan", policy)
    assert re.search(r"countNumber\s*=\s*10\b", policy)
    assert re.search(r"tagStatus\s*=\s*\\?\"any", policy)


def test_service_autoscales_on_cpu() -> None:
    compute = hcl.module("ecs_compute")
    policy = compute.resource("aws_appautoscaling_policy", "cpu")
    assert policy["policy_type"] == "TargetTrackingScaling"
    (config,) = policy["target_tracking_scaling_policy_configuration"]
    assert config["predefined_metric_specification"][0]["predefined_metric_type"] == "ECSServiceAverageCPUUtilization"
    target = compute.resource("aws_appautoscaling_target", "this")
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"


def test_tasks_run_private_with_the_application_settings() -> None:
    compute = hcl.module("ecs_compute")
    service = compute.resource("aws_ecs_service", "this")
    (network,) = service["network_configuration"]
    assert network["assign_public_ip"] is False
    assert network["security_groups"] == ["${var.fargate_task_sg_id}"]
    assert hcl.root().module_calls["ecs_compute"]["private_app_subnet_ids"] == "${module.vpc.private_app_subnet_ids}"
    assert service["load_balancer"][0]["container_port"] == "${var.container_port}"
    env = hcl.root().locals["app_environment"]
    for setting in (
        "CHESSCHAT_ENV",
        "CHESSCHAT_REDIS_URL",
        "CHESSCHAT_RECORD_STORE",
        "CHESSCHAT_IDENTITY",
        "CHESSCHAT_VIDEO",
        "CHESSCHAT_TURN_URLS",
        "CHESSCHAT_METRICS",
        "CHESSCHAT_AWS_REGION",
        "CHESSCHAT_PUBLIC_URL",
        "CHESSCHAT_COOKIE_SECURE",
    ):
        assert setting in env, setting


def test_coturn_is_off_by_default_and_relays_nothing_private() -> None:
    assert hcl.root().variables["coturn_enabled"]["default"] is False
    assert hcl.root().module_calls["coturn"]["count"] == "${var.coturn_enabled ? 1 : 0}"
    script = (hcl.MODULES / "coturn" / "user_data.sh.tftpl").read_text(encoding="utf-8")
    assert "use-auth-secret" in script
    for private in (
        "10.0.0.0-10.255.255.255",
        "172.16.0.0-172.31.255.255",
        "192.168.0.0-192.168.255.255",
        "169.254.0.0-169.254.255.255",
    ):
        assert f"denied-peer-ip={private}" in script
    instance = hcl.module("coturn").resource("aws_instance", "this")
    assert instance["metadata_options"][0]["http_tokens"] == "required"


def test_branch_protection_is_code_and_requires_the_pr_workflows() -> None:
    oidc = hcl.module("github_actions_oidc")
    protection = oidc.resource("github_branch_protection", "this")
    assert protection["enforce_admins"] is True
    assert protection["require_conversation_resolution"] is True
    assert protection["allows_force_pushes"] is False
    assert protection["allows_deletions"] is False
    assert protection["required_status_checks"][0]["contexts"] == "${var.required_status_checks}"
    required = oidc.variables["required_status_checks"]["default"]
    job_names = set()
    for workflow in (hcl.REPO / ".github" / "workflows").glob("*.yml"):
        parsed = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        if "pull_request" in parsed[True]:
            job_names |= {job.get("name", job_id) for job_id, job in parsed["jobs"].items()}
    assert set(required) == job_names == {"backend", "frontend", "terraform"}


def test_task_definition_container_matches_the_image() -> None:
    definition = hcl.module("ecs_compute").resource("aws_ecs_task_definition", "this")["container_definitions"]
    assert '"chesschat", "serve", "--host", "0.0.0.0", "--port"' in definition
    assert "/healthz" in definition
    assert "readonlyRootFilesystem = true" in definition


def test_turn_boot_script_gets_every_template_variable_it_uses() -> None:
    script = (hcl.MODULES / "coturn" / "user_data.sh.tftpl").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{(\w+)\}", script))
    user_data = hcl.module("coturn").resource("aws_instance", "this")["user_data"]
    given = set(re.findall(r"(\w+)\s*=", user_data))
    assert used == given
