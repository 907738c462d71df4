# One table per domain (the schema of the design's records section). Every table is
# on-demand, with point-in-time recovery and server-side encryption. `ttl` names the
# attribute DynamoDB expires items by (sessions of the local identity), or null.

locals {
  tables = {
    users = {
      hash_key   = "user_id"
      range_key  = null
      attributes = { user_id = "S" }
      indexes    = {}
      ttl        = null
    }
    usernames = {
      hash_key   = "username"
      range_key  = null
      attributes = { username = "S" }
      indexes    = {}
      ttl        = null
    }
    sessions = {
      hash_key   = "token_hash"
      range_key  = null
      attributes = { token_hash = "S" }
      indexes    = {}
      ttl        = "expires_at"
    }
    games = {
      hash_key   = "game_id"
      range_key  = null
      attributes = { game_id = "S", white_player_id = "S", black_player_id = "S", ended_at = "S" }
      indexes = {
        "white-player-index" = { hash_key = "white_player_id", range_key = "ended_at" }
        "black-player-index" = { hash_key = "black_player_id", range_key = "ended_at" }
      }
      ttl = null
    }
    friendships = {
      hash_key   = "user_id"
      range_key  = "friend_user_id"
      attributes = { user_id = "S", friend_user_id = "S" }
      indexes    = {}
      ttl        = null
    }
    friend_requests = {
      hash_key   = "recipient_user_id"
      range_key  = "request_id"
      attributes = { recipient_user_id = "S", request_id = "S", sender_user_id = "S", created_at = "S" }
      indexes = {
        "sender-index" = { hash_key = "sender_user_id", range_key = "created_at" }
      }
      ttl = null
    }
    challenges = {
      hash_key   = "challenge_id"
      range_key  = null
      attributes = { challenge_id = "S", challenger_user_id = "S", challenged_user_id = "S", created_at = "S" }
      indexes = {
        "challenger-index" = { hash_key = "challenger_user_id", range_key = "created_at" }
        "challenged-index" = { hash_key = "challenged_user_id", range_key = "created_at" }
      }
      ttl = null
    }
    notifications = {
      hash_key   = "user_id"
      range_key  = "notification_id"
      attributes = { user_id = "S", notification_id = "S" }
      indexes    = {}
      ttl        = null
    }
    pair_rooms = {
      hash_key   = "pair_id"
      range_key  = null
      attributes = { pair_id = "S" }
      indexes    = {}
      ttl        = null
    }
    # Engine reviews of finished games, one item per reviewed game.
    game_analyses = {
      hash_key   = "game_id"
      range_key  = null
      attributes = { game_id = "S" }
      indexes    = {}
      ttl        = null
    }
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  # checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key aws/dynamodb, as the design specifies (DynamoDB SSE, AWS-managed); a customer managed key adds cost and a key policy without changing who can read the data (the task role's IAM policy decides that).
  name                        = "${var.table_name_prefix}${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  range_key                   = each.value.range_key
  deletion_protection_enabled = var.deletion_protection

  dynamic "attribute" {
    for_each = each.value.attributes

    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value.indexes

    content {
      name            = global_secondary_index.key
      hash_key        = global_secondary_index.value.hash_key
      range_key       = global_secondary_index.value.range_key
      projection_type = "ALL"
    }
  }

  dynamic "ttl" {
    for_each = each.value.ttl == null ? [] : [each.value.ttl]

    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = merge(var.tags, { Name = "${var.table_name_prefix}${each.key}" })
}
