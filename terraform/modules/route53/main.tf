# The public zone, the records that prove certificate ownership to ACM, and the aliases
# that point the apex at CloudFront and the API host at the ALB.

resource "aws_route53_zone" "this" {
  # checkov:skip=CKV2_AWS_38:DNSSEC signing needs a KMS key in us-east-1 and a DS record at the registrar, which only the domain owner can add; docs/deploy-aws.md lists it as a hardening step.
  # checkov:skip=CKV2_AWS_39:Query logging for a public zone that serves four records adds a log group and cost without an operational use here.
  name    = var.domain_name
  comment = "ChessChat public zone"

  tags = var.tags
}

# Each certificate covers one name. The for_each keys are known at plan time; the record
# values come from ACM once the certificates exist.
locals {
  certificates = {
    alb = { domain = var.api_hostname, options = var.alb_certificate_validation_options }
    cdn = { domain = var.domain_name, options = var.cdn_certificate_validation_options }
  }
}

resource "aws_route53_record" "validation" {
  for_each = local.certificates

  zone_id         = aws_route53_zone.this.zone_id
  name            = one([for o in each.value.options : o.resource_record_name if o.domain_name == each.value.domain])
  type            = one([for o in each.value.options : o.resource_record_type if o.domain_name == each.value.domain])
  records         = [one([for o in each.value.options : o.resource_record_value if o.domain_name == each.value.domain])]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "alb" {
  certificate_arn         = var.alb_certificate_arn
  validation_record_fqdns = [aws_route53_record.validation["alb"].fqdn]
}

resource "aws_acm_certificate_validation" "cdn" {
  provider = aws.us_east_1

  certificate_arn         = var.cdn_certificate_arn
  validation_record_fqdns = [aws_route53_record.validation["cdn"].fqdn]
}

resource "aws_route53_record" "apex" {
  for_each = toset(["A", "AAAA"])

  zone_id = aws_route53_zone.this.zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = var.cloudfront_domain_name
    zone_id                = var.cloudfront_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "api" {
  zone_id = aws_route53_zone.this.zone_id
  name    = var.api_hostname
  type    = "A"

  alias {
    name                   = var.alb_dns_name
    zone_id                = var.alb_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "turn" {
  # checkov:skip=CKV2_AWS_23:The address is the Elastic IP of the coturn instance, passed in from the coturn module.
  count = var.turn_record == null ? 0 : 1

  zone_id = aws_route53_zone.this.zone_id
  name    = var.turn_record.hostname
  type    = "A"
  ttl     = 300
  records = [var.turn_record.address]
}
