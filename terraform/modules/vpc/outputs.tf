output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT gateways, TURN server), in AZ order."
  value       = aws_subnet.public[*].id
}

output "private_app_subnet_ids" {
  description = "Private app subnets (Fargate tasks), in AZ order."
  value       = aws_subnet.private_app[*].id
}

output "private_data_subnet_ids" {
  description = "Private data subnets (ElastiCache), in AZ order."
  value       = aws_subnet.private_data[*].id
}

output "nat_gateway_ids" {
  description = "NAT gateways: one, one per AZ, or none with a NAT instance."
  value       = aws_nat_gateway.this[*].id
}

output "nat_instance_network_interface_id" {
  description = "Network interface the private app routes send to the NAT instance (null with NAT gateways)."
  value       = one(aws_network_interface.nat[*].id)
}

output "interface_endpoint_ids" {
  description = "Interface VPC endpoints, by service."
  value       = { for k, v in aws_vpc_endpoint.interface : k => v.id }
}

output "flow_log_group_name" {
  description = "CloudWatch log group of the VPC Flow Logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
