provider "aws" {
  region = var.region
}

module "network" {
  source = "../../../network"

  name               = "pubsub-ingest-db-example"
  azs                = ["${var.region}a", "${var.region}b"]
  public_subnets     = ["10.0.0.0/20", "10.0.16.0/20"]
  private_subnets    = ["10.0.64.0/18", "10.0.128.0/18"]
  single_nat_gateway = true
}

# Stands for the security group of a client, such as the EKS nodes.
resource "aws_security_group" "client" {
  # checkov:skip=CKV2_AWS_5: stands for the security group of a database client (the EKS nodes), which this example does not create.
  name        = "pubsub-ingest-db-example-client"
  description = "Example database client"
  vpc_id      = module.network.vpc_id
}

module "database" {
  source = "../../"

  identifier = "pubsub-ingest-example"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids

  allowed_security_group_ids = {
    example_client = aws_security_group.client.id
  }

  multi_az                     = true
  deletion_protection          = true
  performance_insights_enabled = true
  monitoring_interval          = 60

  tags = { Example = "database" }
}
