# Settings of the dev environment. The account ID and the administrator role are
# placeholders: replace them with the real ones before the first plan.

environment         = "dev"
region              = "eu-west-1"
allowed_account_ids = ["111111111111"]

vpc_cidr           = "10.20.0.0/16"
azs                = ["eu-west-1a", "eu-west-1b"]
single_nat_gateway = true

kubernetes_version = "1.34"
eks_admin_principal_arns = {
  platform = "arn:aws:iam::111111111111:role/pubsub-ingest-platform-admin"
}
eks_deletion_protection = false
# t3.large: 2 vCPU, about 1.9 allocatable. Seven nodes hold the charts' default
# autoscaling at its maximum (publisher 10 x 250m, subscriber 20 x 250m, plus
# the rolling updates' surge) and the cluster add-ons.
eks_node_groups = {
  default = {
    instance_types = ["t3.large"]
    capacity_type  = "SPOT"
    min_size       = 1
    max_size       = 7
    desired_size   = 2
  }
}

db_instance_class               = "db.t4g.micro"
db_multi_az                     = false
db_backup_retention_period      = 1
db_deletion_protection          = false
db_performance_insights_enabled = false
db_monitoring_interval          = 0

enable_lambda_subscriber = false

# How the services authenticate to the database (see deployment/variables.tf).
database_auth = "secrets_manager"
