# Offline tests of the composition's wiring, run once with the settings of each
# environment (AWS mocked):
#   tofu test -var-file=../envs/<env>/terraform.tfvars -filter=tests/composition.tftest.hcl
# The assertions hold for every environment: they compare outputs with each
# other and with the variables, never with one environment's names.

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
  values = { arn = "arn:aws:sns:eu-west-1:111111111111:test-data-ingestion-topic" }
}

override_resource {
  target = module.messaging.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:test-data-ingestion-queue"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/test-data-ingestion-queue"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/test-data-ingestion-queue"
  }
}

override_resource {
  target = module.database.aws_db_instance.this
  values = {
    address     = "pubsub-ingest-test.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-0000-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000003"
      secret_status = "active"
    }]
  }
}

run "helm_values_point_at_the_created_resources" {
  assert {
    condition = (
      output.allowed_topics == "data-ingestion-topic=arn:aws:sns:eu-west-1:111111111111:test-data-ingestion-topic" &&
      output.helm_values.publisher.config.allowedTopics == [{ name = "data-ingestion-topic", arn = output.topic_arn }]
    )
    error_message = "The publisher's allowedTopics must map data-ingestion-topic to the topic that is created."
  }

  assert {
    condition = (
      output.helm_values.subscriber.config.queueUrl == output.queue_url &&
      output.helm_values.subscriber.config.visibilityTimeoutSeconds == var.queue_visibility_timeout_seconds
    )
    error_message = "The subscriber gets the URL of the main queue and its visibility timeout."
  }

  assert {
    condition = (
      output.helm_values.subscriber.metrics.prometheusRule.queueName == "${var.environment}-data-ingestion-queue" &&
      output.helm_values.subscriber.metrics.prometheusRule.dlqName == "${var.environment}-data-ingestion-dlq" &&
      output.dlq_name == output.helm_values.subscriber.metrics.prometheusRule.dlqName
    )
    error_message = "The subscriber's alerts watch the queue and the dead-letter queue that are created (their names carry the environment's prefix)."
  }

  assert {
    condition = (
      output.helm_values.publisher.image.repository == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/pubsub-ingest-${var.environment}/publisher" &&
      output.helm_values.subscriber.image.repository == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/pubsub-ingest-${var.environment}/subscriber" &&
      output.ecr_repository_urls == { publisher = output.helm_values.publisher.image.repository, subscriber = output.helm_values.subscriber.image.repository }
    )
    error_message = "The charts pull their images from the ECR repositories that are created."
  }

  assert {
    condition = alltrue([
      for svc in ["publisher", "subscriber"] : (
        output.helm_values[svc].database.host == output.database_host &&
        output.helm_values[svc].database.user == output.database_username &&
        output.helm_values[svc].database.sslMode == "verify-full" &&
        output.helm_values[svc].database.tls.rdsCaBundle &&
        output.helm_values[svc].database.auth == tomap({ method = "secretsManager", secretArn = output.database_secret_arn })
      )
    ])
    error_message = "With database_auth = secrets_manager, both services read the RDS-managed secret at connect time (no password in a Kubernetes Secret), as the user of that secret, verifying the server against the RDS CAs."
  }

  assert {
    condition = (
      output.helm_values.publisher.migration.database.auth == { method = "secretsManager", secretArn = output.database_secret_arn } &&
      output.helm_values.publisher.migration.database.user == output.database_username
    )
    error_message = "The migration connects as the master user with the secret."
  }
}

run "every_role_the_charts_name_exists_and_trusts_their_service_account" {
  assert {
    condition = alltrue([
      for c in [
        { role = output.helm_values.publisher.serviceAccount.roleArn, sa = "${var.namespace}/${output.helm_values.publisher.serviceAccount.name}" },
        { role = output.helm_values.subscriber.serviceAccount.roleArn, sa = "${var.namespace}/${output.helm_values.subscriber.serviceAccount.name}" },
        { role = output.helm_values.publisher.migration.serviceAccount.roleArn, sa = "${var.namespace}/${output.helm_values.publisher.migration.serviceAccount.name}" },
        { role = output.platform_helm_values.keda.podIdentity.aws.irsa.roleArn, sa = var.keda_operator_service_account },
        { role = output.helm_values.subscriber.autoscaling.keda.authentication.roleArn, sa = var.keda_operator_service_account },
        { role = output.platform_helm_values.aws_load_balancer_controller.serviceAccount.annotations["eks.amazonaws.com/role-arn"], sa = "kube-system/${output.platform_helm_values.aws_load_balancer_controller.serviceAccount.name}" },
        { role = output.platform_helm_values.cluster_autoscaler.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"], sa = "kube-system/${output.platform_helm_values.cluster_autoscaler.rbac.serviceAccount.name}" },
        { role = output.platform_helm_values.cloudwatch_exporter.serviceAccount.annotations["eks.amazonaws.com/role-arn"], sa = "monitoring/${output.platform_helm_values.cloudwatch_exporter.serviceAccount.name}" },
        ] : length([
          for k, r in output.workload_identities : k if r.arn == c.role && contains(r.service_accounts, c.sa)
      ]) == 1
    ])
    error_message = "Every role ARN in the Helm values must be a role of this composition that trusts the service account the chart runs as."
  }

  assert {
    condition = alltrue([
      for k, r in module.irsa.roles : (
        jsondecode(r.trust_policy).Statement[0].Principal.Federated == module.eks.oidc_provider_arn &&
        jsondecode(r.trust_policy).Statement[0].Condition.StringEquals["${module.eks.oidc_issuer}:aud"] == "sts.amazonaws.com" &&
        jsondecode(r.trust_policy).Statement[0].Condition.StringEquals["${module.eks.oidc_issuer}:sub"] == [for sa in r.service_accounts : "system:serviceaccount:${replace(sa, "/", ":")}"]
      )
    ])
    error_message = "The application roles trust their service accounts through this cluster's OIDC provider, for STS only."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(output.workload_identities["subscriber-scaler"].policy).Statement : [for a in s.Action : "${a} ${s.Resource}"]
    ])) == toset(["sqs:GetQueueAttributes ${module.messaging.queue_arn}"])
    error_message = "The role KEDA assumes may read the attributes of the subscriber's queue, and nothing else."
  }

  assert {
    condition     = output.workload_identities["keda-operator"].policy == null
    error_message = "The KEDA operator's own role holds no permission: it only assumes the scaler role."
  }

  assert {
    condition = alltrue([
      for k in ["publisher", "subscriber", "migrator"] : contains(flatten([
        for s in jsondecode(output.workload_identities[k].policy).Statement : [for a in s.Action : "${a} ${s.Resource}"]
      ]), "secretsmanager:GetSecretValue ${output.database_secret_arn}")
    ])
    error_message = "Every service that reads DATABASE_SECRET_ARN may read exactly that secret."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(output.workload_identities["ci-image-push"].policy).Statement : s.Resource if s.Sid == "PushImages"
    ])) == toset([for k, _ in output.ecr_repository_urls : "arn:aws:ecr:eu-west-1:111111111111:repository/pubsub-ingest-${var.environment}/${k}"])
    error_message = "CI may push to the two repositories of this environment only."
  }

  assert {
    condition     = output.workload_identities["ci-image-push"].service_accounts == var.ci_service_accounts
    error_message = "The ECR push role trusts the CI agents' service accounts."
  }
}

run "network_policies_are_enforced_and_match_the_vpc" {
  assert {
    condition     = jsondecode(module.eks.addon_configuration["vpc-cni"]).enableNetworkPolicy == "true"
    error_message = "The VPC CNI must enforce the charts' NetworkPolicies."
  }

  assert {
    condition = (
      output.helm_values.publisher.networkPolicy.egress.database.cidrs == [for i, _ in var.azs : cidrsubnet(var.vpc_cidr, 2, i + 1)] &&
      output.helm_values.publisher.networkPolicy.egress.aws.cidrs == [var.vpc_cidr] &&
      output.helm_values.publisher.networkPolicy.ingress.cidrs == [for i, _ in var.azs : cidrsubnet(var.vpc_cidr, 4, i)] &&
      output.helm_values.subscriber.networkPolicy.egress == output.helm_values.publisher.networkPolicy.egress
    )
    error_message = "The NetworkPolicies admit the ALB's public subnets, and reach the database's private subnets and the VPC endpoints, of this VPC."
  }

  assert {
    condition = alltrue([
      for c in concat(output.network.private_subnet_cidr_blocks, output.network.public_subnet_cidr_blocks) :
      cidrsubnet("${cidrhost(c, 0)}/${split("/", var.vpc_cidr)[1]}", 0, 0) == var.vpc_cidr
    ])
    error_message = "Every subnet lies inside the VPC."
  }
}

run "database_admits_only_the_nodes" {
  assert {
    condition     = module.database.allowed_security_group_ids == { eks_nodes = "sg-0000000000000000e" }
    error_message = "Without the Lambda subscriber, only the EKS nodes reach the database."
  }

  assert {
    condition     = !module.database.instance_iam_authentication_enabled
    error_message = "IAM database authentication is off while no service uses it."
  }
}

run "iam_database_authentication_variant" {
  variables {
    database_auth = "iam"
  }

  assert {
    condition = alltrue([
      for svc in ["publisher", "subscriber"] : (
        output.helm_values[svc].database.auth == tomap({ method = "iam" }) &&
        output.helm_values[svc].database.user == var.database_iam_users[svc] &&
        toset(flatten([
          for s in jsondecode(output.workload_identities[svc].policy).Statement : [for a in s.Action : "${a} ${s.Resource}"] if s.Sid == "ConnectToDatabase"
        ])) == toset(["rds-db:connect arn:aws:rds-db:eu-west-1:111111111111:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/${var.database_iam_users[svc]}"]) &&
        !strcontains(output.workload_identities[svc].policy, "secretsmanager:")
      )
    ])
    error_message = "With IAM authentication each service connects as its own database user, may connect as that user only, and may not read the master secret."
  }

  assert {
    condition = (
      output.helm_values.publisher.migration.database.auth.method == "secretsManager" &&
      strcontains(output.workload_identities["migrator"].policy, output.database_secret_arn) &&
      module.database.instance_iam_authentication_enabled
    )
    error_message = "The migration still connects as the master user, and the instance accepts IAM tokens."
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
    condition     = !contains(keys(output.helm_values), "subscriber")
    error_message = "With the Lambda subscriber the queue has one consumer: helm_values has no subscriber part to install."
  }

  assert {
    condition = (
      module.lambda_subscriber[0].event_source_arn == module.messaging.queue_arn &&
      module.lambda_subscriber[0].environment_variables["DATABASE_SECRET_ARN"] == output.database_secret_arn &&
      module.lambda_subscriber[0].environment_variables["PGHOST"] == output.database_host &&
      module.lambda_subscriber[0].environment_variables["PGUSER"] == output.database_username &&
      module.lambda_subscriber[0].environment_variables["NODE_EXTRA_CA_CERTS"] == "/var/runtime/ca-cert.pem" &&
      module.messaging.queue_visibility_timeout_seconds == 6 * var.lambda_timeout
    )
    error_message = "The Lambda consumes the main queue as the user of the secret it reads, trusts the RDS CAs, and the queue's visibility timeout is six times the function timeout."
  }

  assert {
    condition     = toset(keys(module.lambda_subscriber[0].alarm_arns)) == toset(["errors", "throttles"]) && length(module.messaging.alarm_arns) == 6
    error_message = "With the Lambda subscriber the environment alarms on its errors and throttles, beside the queue and SNS alarms."
  }
}
