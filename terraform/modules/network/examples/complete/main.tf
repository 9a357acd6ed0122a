provider "aws" {
  region = var.region
}

module "network" {
  source = "../../"

  name            = "pubsub-ingest-example"
  cidr            = "10.10.0.0/16"
  azs             = ["${var.region}a", "${var.region}b", "${var.region}c"]
  public_subnets  = ["10.10.0.0/20", "10.10.16.0/20", "10.10.32.0/20"]
  private_subnets = ["10.10.64.0/18", "10.10.128.0/18", "10.10.192.0/18"]

  single_nat_gateway = true

  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = { Example = "network" }
}
