# Users sign up with a verified email, a strong password and optional TOTP MFA, or with
# Google. The app is the pool's client (backend-for-frontend): it signs people in with
# USER_PASSWORD_AUTH over TLS, keeps the tokens server-side, and checks the pool's JWTs
# (JWKS, iss, token_use, client_id, exp) when a client sends one as a bearer. Every call it
# makes is one of the pool's public (client) operations, so the task role needs no
# cognito-idp permission.

data "aws_region" "current" {}

locals {
  google_enabled     = var.google_oauth_secret_name != null
  identity_providers = concat(["COGNITO"], local.google_enabled ? ["Google"] : [])
}

resource "aws_cognito_user_pool" "this" {
  name                     = var.name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  mfa_configuration        = var.mfa_configuration
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"

  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  software_token_mfa_configuration {
    enabled = true
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

data "aws_secretsmanager_secret_version" "google" {
  count = local.google_enabled ? 1 : 0

  secret_id = var.google_oauth_secret_name
}

resource "aws_cognito_identity_provider" "google" {
  count = local.google_enabled ? 1 : 0

  user_pool_id  = aws_cognito_user_pool.this.id
  provider_name = "Google"
  provider_type = "Google"

  provider_details = {
    client_id        = jsondecode(data.aws_secretsmanager_secret_version.google[0].secret_string)["client_id"]
    client_secret    = jsondecode(data.aws_secretsmanager_secret_version.google[0].secret_string)["client_secret"]
    authorize_scopes = "openid email profile"
  }

  attribute_mapping = {
    email    = "email"
    username = "sub"
  }
}

# A public client: no client secret; the server runs the authorization code flow with PKCE
# for Google, and signs in with a password (USER_PASSWORD_AUTH: the password reaches only
# the server, over TLS) or a refresh token. SRP stays for the original client, which signs
# in with the pool itself.
resource "aws_cognito_user_pool_client" "this" {
  name                                 = "${var.name}-web"
  user_pool_id                         = aws_cognito_user_pool.this.id
  generate_secret                      = false
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["openid", "email", "profile"]
  callback_urls                        = var.callback_urls
  logout_urls                          = var.logout_urls
  supported_identity_providers         = local.identity_providers
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
  explicit_auth_flows                  = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  access_token_validity                = 60
  id_token_validity                    = 60
  refresh_token_validity               = 30

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }

  depends_on = [aws_cognito_identity_provider.google]
}

# The key that seals sessions' refresh tokens at rest in Redis (CHESSCHAT_SESSION_KEY_ARN).
resource "random_password" "session_key" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "session_key" {
  # checkov:skip=CKV2_AWS_57:Rotating the sealing key ends every signed-in session; it is an operator procedure (docs/auth.md), not a Lambda.
  name_prefix = "${var.name}/session-key-"
  description = "Key sealing the refresh tokens of ${var.name}'s sessions"
  kms_key_id  = var.kms_key_arn

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "session_key" {
  secret_id     = aws_secretsmanager_secret.session_key.id
  secret_string = random_password.session_key.result
}
