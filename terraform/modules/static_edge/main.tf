# The web client: a private S3 bucket that only this CloudFront distribution can read
# (origin access control), served on the apex over TLS.

data "aws_caller_identity" "current" {}

resource "aws_acm_certificate" "this" {
  provider = aws.us_east_1

  domain_name       = var.domain_name
  validation_method = "DNS"

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_18:The bucket holds the public web client only; CloudFront is its sole reader and the deploy its sole writer (CloudTrail records the writes).
  # checkov:skip=CKV_AWS_144:The content is rebuilt from the repository on every deploy; a replica in a second region would only copy build output.
  # checkov:skip=CKV_AWS_145:Public web assets; SSE-S3 encrypts them at rest, and SSE-KMS would need a key policy for CloudFront without protecting anything secret.
  # checkov:skip=CKV2_AWS_62:Nothing reacts to uploads; the deploy invalidates CloudFront itself.
  bucket = "${var.name}-web-${data.aws_caller_identity.current.account_id}"

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-old-builds"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-web"
  description                       = "ChessChat web client bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_cache_policy" "this" {
  name        = "${var.name}-web"
  comment     = "Honour the Cache-Control the deploy sets: no-store on config.js, 5 minutes on the rest"
  min_ttl     = 0
  default_ttl = var.default_ttl_seconds
  max_ttl     = 86400

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    cookies_config {
      cookie_behavior = "none"
    }

    headers_config {
      header_behavior = "none"
    }

    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_response_headers_policy" "this" {
  name    = "${var.name}-web-security"
  comment = "Security headers on every response of the web client"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    # The app's own policy (chesschat.web.middleware), plus the API's origin for fetch and
    # the socket: the client is served from here and talks to the API on its own host. With
    # Chime video, the app's Chime additions (the meeting's hosts, the SDK's worker and
    # WebAssembly).
    content_security_policy {
      content_security_policy = join("; ", [
        "default-src 'self'",
        var.chime ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self' ${var.api_origin} ${replace(var.api_origin, "https://", "wss://")}${var.chime ? " https://*.chime.aws wss://*.chime.aws" : ""}",
        var.chime ? "worker-src 'self' blob:" : "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ])
      override = true
    }
  }

  custom_headers_config {
    items {
      header   = "Permissions-Policy"
      value    = "camera=(self), microphone=(self), geolocation=(), payment=()"
      override = true
    }
  }
}

resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_68:No WAF in front of static files: they are public, cached, and carry no user input to the backend.
  # checkov:skip=CKV2_AWS_47:Same reason: no WAF, and no Log4j-style backend behind a static bucket.
  # checkov:skip=CKV_AWS_86:CloudFront standard logs need an ACL-enabled bucket; the API's own logs carry the correlation ids operators trace.
  # checkov:skip=CKV_AWS_310:A single S3 origin; a failover origin would be a second copy of the same build.
  # checkov:skip=CKV_AWS_374:The product is open to players everywhere; no geo restriction.
  enabled             = true
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  comment             = "ChessChat web client (${var.name})"
  aliases             = [var.domain_name]
  default_root_object = "index.html"
  price_class         = var.price_class

  origin {
    origin_id                = "web"
    domain_name              = aws_s3_bucket.this.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  default_cache_behavior {
    target_origin_id           = "web"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = aws_cloudfront_cache_policy.this.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.this.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.validated_certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  tags = var.tags
}

data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "CloudFrontReadOnly"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
