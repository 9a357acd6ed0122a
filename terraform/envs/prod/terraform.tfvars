# Settings of the prod environment. The account ID and the administrator role are
# placeholders: replace them with the real ones before the first plan.

environment         = "prod"
region              = "eu-west-1"
allowed_account_ids = ["222222222222"]

vpc_cidr           = "10.30.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
single_nat_gateway = false

kubernetes_version = "1.34"
eks_admin_principal_arns = {
  platform = "arn:aws:iam::222222222222:role/pubsub-ingest-platform-admin"
}
eks_deletion_protection = true
# m6i.xlarge: 4 vCPU, about 3.9 allocatable. Nine nodes hold the charts'
# production autoscaling at its maximum (publisher 30 x 500m, subscriber
# 16 x 500m, plus the rolling updates' surge) and the cluster add-ons; the
# cluster autoscaler adds nodes up to max_size as the pods need them.
eks_node_groups = {
  default = {
    instance_types = ["m6i.xlarge"]
    min_size       = 3
    max_size       = 9
    desired_size   = 3
  }
}

db_instance_class               = "db.m7g.large"
db_multi_az                     = true
db_backup_retention_period      = 14
db_deletion_protection          = true
db_performance_insights_enabled = true
db_monitoring_interval          = 60

enable_lambda_subscriber = false

# How the services authenticate to the database (see deployment/variables.tf).
database_auth = "secrets_manager"
