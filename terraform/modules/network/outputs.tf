output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "azs" {
  description = "Availability zones of the subnets."
  value       = var.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets, in the order of azs."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, in the order of azs."
  value       = aws_subnet.private[*].id
}

output "public_subnet_cidr_blocks" {
  description = "CIDR blocks of the public subnets (where internet-facing load balancers live), in the order of azs."
  value       = aws_subnet.public[*].cidr_block
}

output "private_subnet_cidr_blocks" {
  description = "CIDR blocks of the private subnets (nodes, pods, database, VPC endpoints), in the order of azs."
  value       = aws_subnet.private[*].cidr_block
}

output "private_route_table_ids" {
  description = "IDs of the private route tables, in the order of azs."
  value       = aws_route_table.private[*].id
}

output "nat_public_ips" {
  description = "Public IP addresses of the NAT gateways (the egress addresses of the private subnets)."
  value       = aws_eip.nat[*].public_ip
}

output "vpc_endpoint_ids" {
  description = "IDs of the VPC endpoints, by service (\"s3\" for the gateway endpoint)."
  value       = merge({ for k, v in aws_vpc_endpoint.interface : k => v.id }, { s3 = aws_vpc_endpoint.s3.id })
}

output "vpc_endpoints_security_group_id" {
  description = "ID of the security group of the interface VPC endpoints."
  value       = aws_security_group.endpoints.id
}
