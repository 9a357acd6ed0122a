provider "aws" {
  region = var.region
}

module "network" {
  source = "../../../network"

  name            = "pubsub-ingest-eks-example"
  azs             = ["${var.region}a", "${var.region}b"]
  public_subnets  = ["10.0.0.0/20", "10.0.16.0/20"]
  private_subnets = ["10.0.64.0/18", "10.0.128.0/18"]

  single_nat_gateway  = true
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }
}

module "eks" {
  source = "../../"

  name               = "pubsub-ingest-example"
  kubernetes_version = "1.34"
  subnet_ids         = module.network.private_subnet_ids

  node_groups = {
    default = {
      instance_types = ["t3.large"]
      min_size       = 1
      max_size       = 3
      desired_size   = 2
    }
  }

  tags = { Example = "eks" }
}
