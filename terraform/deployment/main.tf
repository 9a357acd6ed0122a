# The one composition of pubsub-ingest on AWS. Every environment applies this
# same code; they differ only in their settings (envs/<env>/terraform.tfvars)
# and their state (envs/<env>/backend.hcl).

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
  source = "../modules/network"

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
  source = "../modules/eks"

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
  source = "../modules/ecr"

  name_prefix             = "${local.name}/"
  disposable_tag_patterns = var.ecr_disposable_tag_patterns
}

# Roles of the cluster add-ons the charts rely on (KEDA, the AWS Load Balancer
# Controller, the cluster autoscaler, the CloudWatch exporter) and of CI.
module "platform_irsa" {
  source = "../modules/platform-irsa"

  name_prefix         = "${local.name}-"
  oidc_provider_arn   = module.eks.oidc_provider_arn
  oidc_issuer         = module.eks.oidc_issuer
  cluster_name        = module.eks.cluster_name
  service_accounts    = { keda_operator = var.keda_operator_service_account }
  ecr_repository_arns = module.ecr.repository_arns
  ci_service_accounts = var.ci_service_accounts
}

################################################################################
# Messaging (was: SNS and SQS)
################################################################################

module "messaging" {
  source = "../modules/messaging"

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
  source = "../modules/database"

  identifier = local.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids

  allowed_security_group_ids = merge(
    { eks_nodes = module.eks.node_security_group_id },
    var.enable_lambda_subscriber ? { lambda_subscriber = module.lambda_subscriber[0].security_group_id } : {},
  )

  instance_class                      = var.db_instance_class
  multi_az                            = var.db_multi_az
  backup_retention_period             = var.db_backup_retention_period
  deletion_protection                 = var.db_deletion_protection
  performance_insights_enabled        = var.db_performance_insights_enabled
  monitoring_interval                 = var.db_monitoring_interval
  iam_database_authentication_enabled = var.database_auth == "iam"
}

################################################################################
# Workload identities of the application (IRSA)
################################################################################

module "irsa" {
  source = "../modules/irsa"

  name_prefix       = "${local.name}-"
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer       = module.eks.oidc_issuer

  namespace                     = var.namespace
  publisher_service_account     = var.publisher_service_account
  subscriber_service_account    = var.subscriber_service_account
  migration_service_account     = var.migration_service_account
  keda_operator_service_account = var.keda_operator_service_account

  topic_arn   = module.messaging.topic_arn
  queue_arn   = module.messaging.queue_arn
  kms_key_arn = module.messaging.kms_key_arn

  database_auth        = var.database_auth
  database_secret_arn  = module.database.master_user_secret_arn
  database_resource_id = var.database_auth == "iam" ? module.database.resource_id : null
  database_users       = var.database_iam_users
}

################################################################################
# Lambda variant of the subscriber (was: lambda)
################################################################################

module "lambda_subscriber" {
  source = "../modules/lambda-subscriber"
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

  alarm_actions = [aws_sns_topic.alarms.arn]
}
