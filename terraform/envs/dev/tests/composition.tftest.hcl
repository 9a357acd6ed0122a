# Offline tests of the composition (AWS mocked, terraform.tfvars of dev): the
# modules are wired to each other as intended and the outputs for the Helm
# values point at the resources that are created. envs/prod is the same code.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0", latest_version = 1 }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
}

override_resource {
  target = module.eks.aws_eks_cluster.this
  values = {
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }] }]
    certificate_authority = [{ data = "bW9jaw==" }]
    vpc_config = {
      cluster_security_group_id = "sg-0000000000000000e"
    }
  }
}

override_resource {
  target = module.eks.aws_iam_openid_connect_provider.this
  values = { arn = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" }
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
  target = module.database.aws_db_instance.this
  values = {
    address = "pubsub-ingest-dev.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0000-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000003"
      secret_status = "active"
    }]
  }
}

run "helm_values_point_at_the_created_resources" {
  assert {
    condition     = output.allowed_topics == "data-ingestion-topic=arn:aws:sns:eu-west-1:111111111111:dev-data-ingestion-topic"
    error_message = "ALLOWED_TOPICS must map data-ingestion-topic to the topic that is created."
  }

  assert {
    condition = output.helm_values.publisher.config.allowedTopics == [
      { name = "data-ingestion-topic", arn = "arn:aws:sns:eu-west-1:111111111111:dev-data-ingestion-topic" },
    ]
    error_message = "The publisher chart's allowedTopics must name the created topic."
  }

  assert {
    condition = (
      output.queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/dev-data-ingestion-queue" &&
      output.helm_values.subscriber.config.queueUrl == output.queue_url &&
      output.helm_values.subscriber.config.visibilityTimeoutSeconds == 30
    )
    error_message = "The subscriber gets the URL of the main queue and its visibility timeout."
  }

  assert {
    condition = (
      output.database_secret_arn == "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0000-AbCdEf" &&
      output.helm_values.subscriber.database.externalSecret.remoteRef.key == output.database_secret_arn &&
      output.helm_values.publisher.database.sslMode == "verify-full"
    )
    error_message = "Both charts read the RDS-managed secret and verify the server certificate."
  }

  assert {
    condition = (
      output.helm_values.publisher.serviceAccount.roleArn == output.publisher_role_arn &&
      output.helm_values.subscriber.serviceAccount.roleArn == output.subscriber_role_arn
    )
    error_message = "The service accounts get their own roles."
  }
}

run "irsa_roles_are_scoped_to_this_topic_queue_and_secret" {
  assert {
    condition = one([
      for st in jsondecode(module.irsa.role_policies["publisher"]).Statement : st.Resource if st.Sid == "PublishToTopic"
    ]) == "arn:aws:sns:eu-west-1:111111111111:dev-data-ingestion-topic"
    error_message = "The publisher may publish to the data-ingestion topic only."
  }

  assert {
    condition = toset([
      for st in jsondecode(module.irsa.role_policies["subscriber"]).Statement : st.Resource
      ]) == toset([
      "arn:aws:sqs:eu-west-1:111111111111:dev-data-ingestion-queue",
      "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001",
      "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0000-AbCdEf",
    ])
    error_message = "The subscriber may use the main queue (not a DLQ), the messaging key and the database secret only."
  }

  assert {
    condition = module.irsa.service_accounts == {
      publisher           = "pubsub-ingest/publisher"
      subscriber          = "pubsub-ingest/subscriber"
      migrator            = "pubsub-ingest/publisher-migrate"
      "subscriber-scaler" = "keda/keda-operator"
    }
    error_message = "The roles trust the service accounts of the pubsub-ingest namespace, and the scaler role the KEDA operator."
  }
}

run "database_admits_only_the_nodes" {
  assert {
    condition     = module.database.allowed_security_group_ids == { eks_nodes = "sg-0000000000000000e" }
    error_message = "Without the Lambda subscriber, only the EKS nodes reach the database."
  }
}

run "lambda_subscriber_variant" {
  variables {
    enable_lambda_subscriber = true
    # Any existing file stands for the package here: only its hash is taken.
    lambda_zip_path = "main.tf"
  }

  assert {
    condition = module.database.allowed_security_group_ids == {
      eks_nodes         = "sg-0000000000000000e"
      lambda_subscriber = module.lambda_subscriber[0].security_group_id
    }
    error_message = "With the Lambda subscriber, its security group reaches the database too."
  }

  assert {
    condition     = output.helm_values.subscriber.config.visibilityTimeoutSeconds == 120
    error_message = "With the Lambda subscriber, the visibility timeout is six times the function timeout."
  }

  assert {
    condition = (
      module.lambda_subscriber[0].event_source_arn == "arn:aws:sqs:eu-west-1:111111111111:dev-data-ingestion-queue" &&
      module.lambda_subscriber[0].environment_variables["DATABASE_SECRET_ARN"] == output.database_secret_arn &&
      module.lambda_subscriber[0].environment_variables["PGHOST"] == output.database_host &&
      module.lambda_subscriber[0].environment_variables["PGUSER"] == output.database_username &&
      module.lambda_subscriber[0].environment_variables["NODE_EXTRA_CA_CERTS"] == "/var/runtime/ca-cert.pem"
    )
    error_message = "The Lambda consumes the main queue and reads the database secret."
  }
}
