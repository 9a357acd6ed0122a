mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:mock" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

variables {
  name            = "pubsub-ingest-dev"
  cidr            = "10.20.0.0/16"
  azs             = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  public_subnets  = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
  private_subnets = ["10.20.64.0/18", "10.20.128.0/18", "10.20.192.0/18"]
}

run "subnets_in_every_zone_and_nat_per_zone" {
  assert {
    condition     = length(aws_subnet.private) == 3 && length(aws_subnet.public) == 3 && length(aws_nat_gateway.this) == 3
    error_message = "One public subnet, one private subnet and one NAT gateway per zone."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : !s.map_public_ip_on_launch])
    error_message = "Public subnets do not hand out public IPs automatically."
  }
}

run "single_nat_gateway" {
  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 3
    error_message = "All private route tables use the single NAT gateway."
  }
}

run "vpc_endpoints_for_the_workloads" {
  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sqs", "sns", "secretsmanager", "ecr.api", "ecr.dkr", "sts", "logs"])
    error_message = "Interface endpoints for SQS, SNS, Secrets Manager, ECR, STS and logs."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["sqs"].service_name == "com.amazonaws.eu-west-1.sqs" && aws_vpc_endpoint.interface["sqs"].private_dns_enabled
    error_message = "Endpoints use the region's service names and private DNS."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "S3 (ECR image layers) gets a gateway endpoint."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.endpoints_https.cidr_ipv4 == "10.20.0.0/16"
    error_message = "The endpoints accept HTTPS from the VPC only."
  }
}

run "rejects_subnets_not_matching_the_zones" {
  command = plan

  variables {
    private_subnets = ["10.20.64.0/18"]
  }

  expect_failures = [aws_vpc.this]
}
