provider "aws" {
  region = var.region
}

module "network" {
  source = "../../../network"

  name               = "pubsub-ingest-lambda-example"
  azs                = ["${var.region}a", "${var.region}b"]
  public_subnets     = ["10.0.0.0/20", "10.0.16.0/20"]
  private_subnets    = ["10.0.64.0/18", "10.0.128.0/18"]
  single_nat_gateway = true
}

module "messaging" {
  source = "../../../messaging"

  name_prefix = "lambda-example-"

  # AWS recommends six times the function timeout for a Lambda consumer.
  visibility_timeout_seconds = 120
}

module "lambda_subscriber" {
  source = "../../"

  function_name = "pubsub-ingest-example-subscriber"
  filename      = var.lambda_zip

  queue_arn                        = module.messaging.queue_arn
  queue_visibility_timeout_seconds = module.messaging.queue_visibility_timeout_seconds
  queue_kms_key_arn                = module.messaging.kms_key_arn
  timeout                          = 20
  maximum_concurrency              = 5

  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_ids     = module.network.private_subnet_ids

  database_secret_arn = var.database_secret_arn
  database_host       = var.database_host
  database_name       = "pubsub_ingest"
  database_username   = "pubsub_ingest"

  tags = { Example = "lambda-subscriber" }
}
