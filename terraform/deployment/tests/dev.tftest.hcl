# Offline test of the dev environment: the composition with the settings of
# envs/dev/terraform.tfvars (AWS mocked), compared with the fixture its Helm
# values and identities are checked against by the chart checks
# (tests/fixtures/dev.json). Run with
#   tofu test -var-file=../envs/dev/terraform.tfvars -filter=tests/dev.tftest.hcl
# After an intended change, regenerate the fixture:
#   scripts/terraform/update-fixtures.sh

mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

override_resource {
  target = module.network.aws_vpc.this
  values = { id = "vpc-010000000000000" }
}

override_resource {
  target = module.eks.aws_eks_cluster.this
  values = {
    endpoint              = "https://DEVD539D4633E53DE1B71EXAMPLE0001.gr7.eu-west-1.eks.amazonaws.com"
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/DEVD539D4633E53DE1B71EXAMPLE0001" }] }]
    certificate_authority = [{ data = "bW9jaw==" }]
    vpc_config = {
      cluster_security_group_id = "sg-01000000000000e"
    }
  }
}

override_resource {
  target = module.eks.aws_iam_openid_connect_provider.this
  values = { arn = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/DEVD539D4633E53DE1B71EXAMPLE0001" }
}

override_resource {
  target = module.messaging.aws_sns_topic.this
  values = { arn = "arn:aws:sns:eu-west-1:111111111111:dev-data-ingestion-topic" }
}

override_resource {
  target = module.messaging.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:dev-data-ingestion-queue"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/dev-data-ingestion-queue"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/dev-data-ingestion-queue"
  }
}

override_resource {
  target = module.messaging.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:dev-data-ingestion-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/dev-data-ingestion-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/dev-data-ingestion-dlq"
  }
}

override_resource {
  target = module.database.aws_db_instance.this
  values = {
    address     = "pubsub-ingest-dev.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    resource_id = "db-DEVABCDEFGHIJKLMNOPQRSTUVW"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1000-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000003"
      secret_status = "active"
    }]
  }
}

# The outputs of the environment (scripts/terraform/update-fixtures.sh writes
# the fixture from this run's state).
run "outputs" {
  command = apply

  assert {
    condition     = var.environment == "dev"
    error_message = "Run this file with -var-file=../envs/dev/terraform.tfvars."
  }
}

run "outputs_match_the_fixture" {
  command = apply

  assert {
    condition     = jsonencode(output.helm_values) == jsonencode(jsondecode(file("tests/fixtures/dev.json")).helm_values)
    error_message = "helm_values differs from tests/fixtures/dev.json: regenerate it with scripts/terraform/update-fixtures.sh and check the charts against it (npm run test:charts)."
  }

  assert {
    condition     = jsonencode(output.platform_helm_values) == jsonencode(jsondecode(file("tests/fixtures/dev.json")).platform_helm_values)
    error_message = "platform_helm_values differs from tests/fixtures/dev.json: regenerate it with scripts/terraform/update-fixtures.sh."
  }

  assert {
    condition     = jsonencode(output.workload_identities) == jsonencode(jsondecode(file("tests/fixtures/dev.json")).workload_identities)
    error_message = "workload_identities differs from tests/fixtures/dev.json: regenerate it with scripts/terraform/update-fixtures.sh."
  }

  assert {
    condition = jsonencode({
      aws_region                  = output.aws_region
      namespace                   = output.namespace
      network                     = output.network
      node_groups                 = output.node_groups
      database_ca_cert_identifier = output.database_ca_cert_identifier
      queue_name                  = output.queue_name
      dlq_name                    = output.dlq_name
      }) == jsonencode({
      for k, v in jsondecode(file("tests/fixtures/dev.json")) : k => v
      if contains(["aws_region", "namespace", "network", "node_groups", "database_ca_cert_identifier", "queue_name", "dlq_name"], k)
    })
    error_message = "network, node_groups or another fact of tests/fixtures/dev.json differs from the outputs: regenerate it with scripts/terraform/update-fixtures.sh."
  }
}
