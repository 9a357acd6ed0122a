provider "aws" {
  region              = var.region
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = {
      Project     = "pubsub-ingest"
      Environment = var.environment
      ManagedBy   = "opentofu"
    }
  }
}

locals {
  name        = "pubsub-ingest-${var.environment}"
  name_prefix = "${var.environment}-"

  # A Lambda consumer needs a visibility timeout of at least its function
  # timeout; AWS recommends six times. The EKS subscriber extends visibility
  # itself and works with the plain setting.
  queue_visibility_timeout_seconds = var.enable_lambda_subscriber ? max(var.queue_visibility_timeout_seconds, 6 * var.lambda_timeout) : var.queue_visibility_timeout_seconds
}

################################################################################
# Network (was: the VPC shared by cluster_kubernetes and db_postgres)
################################################################################

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr               = var.vpc_cidr
  azs                = var.azs
  public_subnets     = [for i, _ in var.azs : cidrsubnet(var.vpc_cidr, 4, i)]
  private_subnets    = [for i, _ in var.azs : cidrsubnet(var.vpc_cidr, 2, i + 1)]
  single_nat_gateway = var.single_nat_gateway

  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }
}

################################################################################
# Kubernetes (was: cluster_kubernetes)
################################################################################

module "eks" {
  source = "../../modules/eks"

  name                         = local.name
  kubernetes_version           = var.kubernetes_version
  subnet_ids                   = module.network.private_subnet_ids
  endpoint_public_access       = var.eks_endpoint_public_access
  endpoint_public_access_cidrs = var.eks_endpoint_public_access_cidrs
  cluster_admin_principal_arns = var.eks_admin_principal_arns
  node_groups                  = var.eks_node_groups
  deletion_protection          = var.eks_deletion_protection
}

module "ecr" {
  source = "../../modules/ecr"

  name_prefix = "${local.name}/"
}

################################################################################
# Messaging (was: SNS and SQS)
################################################################################

module "messaging" {
  source = "../../modules/messaging"

  name_prefix                = local.name_prefix
  topic_name                 = "data-ingestion-topic"
  queue_name                 = "data-ingestion-queue"
  dlq_name                   = "data-ingestion-dlq"
  visibility_timeout_seconds = local.queue_visibility_timeout_seconds
  max_receive_count          = var.max_receive_count
  alarm_actions              = [aws_sns_topic.alarms.arn]
}

# Where the alarms of the environment go; subscribe the on-call channel to it.
resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = module.messaging.kms_key_arn
}

################################################################################
# Database (was: db_postgres)
################################################################################

module "database" {
  source = "../../modules/database"

  identifier = local.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids

  allowed_security_group_ids = merge(
    { eks_nodes = module.eks.node_security_group_id },
    var.enable_lambda_subscriber ? { lambda_subscriber = module.lambda_subscriber[0].security_group_id } : {},
  )

  instance_class               = var.db_instance_class
  multi_az                     = var.db_multi_az
  backup_retention_period      = var.db_backup_retention_period
  deletion_protection          = var.db_deletion_protection
  performance_insights_enabled = var.db_performance_insights_enabled
  monitoring_interval          = var.db_monitoring_interval
}

################################################################################
# Workload identities (IRSA)
################################################################################

module "irsa" {
  source = "../../modules/irsa"

  name_prefix       = "${local.name}-"
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer

  namespace                  = var.namespace
  publisher_service_account  = var.publisher_service_account
  subscriber_service_account = var.subscriber_service_account

  topic_arn           = module.messaging.topic_arn
  queue_arn           = module.messaging.queue_arn
  kms_key_arn         = module.messaging.kms_key_arn
  database_secret_arn = module.database.master_user_secret_arn
}

################################################################################
# Lambda variant of the subscriber (was: lambda)
################################################################################

module "lambda_subscriber" {
  source = "../../modules/lambda-subscriber"
  count  = var.enable_lambda_subscriber ? 1 : 0

  function_name = "${local.name}-subscriber"
  filename      = var.lambda_zip_path
  timeout       = var.lambda_timeout

  queue_arn                        = module.messaging.queue_arn
  queue_visibility_timeout_seconds = module.messaging.queue_visibility_timeout_seconds
  queue_kms_key_arn                = module.messaging.kms_key_arn
  maximum_concurrency              = var.lambda_maximum_concurrency

  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_ids     = module.network.private_subnet_ids

  database_secret_arn = module.database.master_user_secret_arn
  database_host       = module.database.address
  database_port       = module.database.port
  database_name       = module.database.db_name
  database_username   = module.database.username
}
