# nat_gateway_mode = "instance": one small EC2 instance does the NAT instead of a gateway,
# for a fraction of the hourly price and no per-GB charge. It is outbound only like a NAT
# gateway: its security group admits HTTPS from the private app subnets and nothing from
# the internet. The route points at a network interface that outlives the instance (with
# source/destination checking off, as forwarding needs, and the Elastic IP on it), and an
# autoscaling group of one replaces a failed instance, which takes the interface over.

locals {
  nat_instance_count = local.nat_instance ? 1 : 0
}

data "aws_ssm_parameter" "nat_ami" {
  count = local.nat_instance_count

  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
}

resource "aws_security_group" "nat_instance" {
  count = local.nat_instance_count

  name_prefix = "${var.name}-nat-"
  description = "NAT instance: HTTPS from the private app tier out to the internet, nothing inbound from it"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-nat" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "nat_instance_https" {
  for_each = local.nat_instance ? toset(var.private_app_subnet_cidrs) : toset([])

  security_group_id = aws_security_group.nat_instance[0].id
  description       = "HTTPS to forward, from private app subnet ${each.key}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key
}

resource "aws_vpc_security_group_egress_rule" "nat_instance_https" {
  count = local.nat_instance_count

  security_group_id = aws_security_group.nat_instance[0].id
  description       = "HTTPS out: forwarded traffic, packages and Systems Manager"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_network_interface" "nat" {
  count = local.nat_instance_count

  subnet_id         = aws_subnet.public[0].id
  security_groups   = [aws_security_group.nat_instance[0].id]
  source_dest_check = false

  tags = merge(var.tags, { Name = "${var.name}-nat-${var.azs[0]}" })
}

resource "aws_eip" "nat_instance" {
  # checkov:skip=CKV2_AWS_19:The address is on the NAT network interface, which each instance the autoscaling group starts takes over, so it outlives any one instance.
  count = local.nat_instance_count

  domain            = "vpc"
  network_interface = aws_network_interface.nat[0].id

  tags = merge(var.tags, { Name = "${var.name}-nat-${var.azs[0]}" })
}

data "aws_iam_policy_document" "nat_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "nat_instance" {
  count = local.nat_instance_count

  name_prefix        = "${var.name}-nat-"
  assume_role_policy = data.aws_iam_policy_document.nat_assume.json

  tags = var.tags
}

# Shell access through Systems Manager only: the instance has no SSH port.
resource "aws_iam_role_policy_attachment" "nat_ssm" {
  count = local.nat_instance_count

  role       = aws_iam_role.nat_instance[0].name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "nat_instance" {
  count = local.nat_instance_count

  name_prefix = "${var.name}-nat-"
  role        = aws_iam_role.nat_instance[0].name

  tags = var.tags
}

resource "aws_launch_template" "nat" {
  count = local.nat_instance_count

  name_prefix   = "${var.name}-nat-"
  image_id      = data.aws_ssm_parameter.nat_ami[0].value
  instance_type = var.nat_instance_type
  ebs_optimized = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.nat_instance[0].arn
  }

  metadata_options {
    http_tokens   = "required"
    http_endpoint = "enabled"
  }

  # The instance's only interface is the NAT interface the routes point at.
  network_interfaces {
    network_interface_id = aws_network_interface.nat[0].id
    device_index         = 0
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      encrypted   = true
      volume_size = 8
      volume_type = "gp3"
    }
  }

  user_data = base64encode(templatefile("${path.module}/nat_instance.sh.tftpl", { vpc_cidr = var.cidr }))

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-nat" })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "nat" {
  count = local.nat_instance_count

  name_prefix         = "${var.name}-nat-"
  min_size            = 1
  max_size            = 1
  desired_capacity    = 1
  vpc_zone_identifier = [aws_subnet.public[0].id]
  health_check_type   = "EC2"

  launch_template {
    id      = aws_launch_template.nat[0].id
    version = aws_launch_template.nat[0].latest_version
  }

  # A changed template replaces the instance; the old one goes first, as the interface
  # can be attached to one instance only.
  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 0
    }
  }

  dynamic "tag" {
    for_each = merge(var.tags, { Name = "${var.name}-nat" })

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
