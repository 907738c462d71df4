# A single coturn TURN server for the WebRTC video path (CHESSCHAT_VIDEO=webrtc). The app
# and coturn share a secret (coturn's use-auth-secret REST scheme): the app mints
# short-lived credentials, coturn checks their HMAC and expiry. Off unless enabled.

data "aws_region" "current" {}

data "aws_ami" "debian" {
  most_recent = true
  owners      = ["136693071363"] # Debian's official AWS account

  filter {
    name   = "name"
    values = ["debian-12-arm64-*"]
  }

  filter {
    name   = "architecture"
    values = ["arm64"]
  }
}

resource "random_password" "secret" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57:coturn reads the secret only at boot; rotation is replacing the instance after updating the secret (docs/operations.md).
  name_prefix = "${var.name}/turn-secret-"
  description = "coturn static-auth-secret shared with the ChessChat app"
  kms_key_id  = var.secret_kms_key_arn

  tags = var.tags
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id     = aws_secretsmanager_secret.this.id
  secret_string = random_password.secret.result
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-turn-"
  description = "TURN: listening port and relay ports from anywhere"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-turn" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "listen" {
  for_each = toset(["udp", "tcp"])

  security_group_id = aws_security_group.this.id
  description       = "TURN ${upper(each.key)} from browsers"
  ip_protocol       = each.key
  from_port         = var.listening_port
  to_port           = var.listening_port
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "relay" {
  security_group_id = aws_security_group.this.id
  description       = "Relayed media (UDP)"
  ip_protocol       = "udp"
  from_port         = var.relay_port_range.min
  to_port           = var.relay_port_range.max
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "relay" {
  security_group_id = aws_security_group.this.id
  description       = "Relayed media to peers"
  ip_protocol       = "udp"
  from_port         = 1024
  to_port           = 65535
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS for packages and Secrets Manager at boot"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "http" {
  security_group_id = aws_security_group.this.id
  description       = "HTTP for Debian package mirrors (packages are signature-checked)"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-turn-"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ReadTurnSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this.arn]
  }

  statement {
    sid       = "DecryptTurnSecret"
    actions   = ["kms:Decrypt"]
    resources = [var.secret_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "read-turn-secret"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "${var.name}-turn-"
  role        = aws_iam_role.this.name

  tags = var.tags
}

resource "aws_instance" "this" {
  ami                    = data.aws_ami.debian.id
  instance_type          = var.instance_type
  subnet_id              = var.public_subnet_id
  vpc_security_group_ids = [aws_security_group.this.id]
  iam_instance_profile   = aws_iam_instance_profile.this.name
  monitoring             = true
  ebs_optimized          = true

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  root_block_device {
    encrypted   = true
    volume_size = 8
    volume_type = "gp3"
  }

  user_data_replace_on_change = true
  user_data = templatefile("${path.module}/user_data.sh.tftpl", {
    secret_arn     = aws_secretsmanager_secret.this.arn
    region         = data.aws_region.current.name
    realm          = var.hostname
    listening_port = var.listening_port
    min_port       = var.relay_port_range.min
    max_port       = var.relay_port_range.max
  })

  tags = merge(var.tags, { Name = "${var.name}-turn" })

  depends_on = [aws_secretsmanager_secret_version.this]
}

resource "aws_eip" "this" {
  domain   = "vpc"
  instance = aws_instance.this.id

  tags = merge(var.tags, { Name = "${var.name}-turn" })
}
