# Offline tests of the Lambda subscriber: event source mapping, environment and
# the exact permissions of its role.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
}

override_resource {
  target = aws_cloudwatch_log_group.this
  values = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/dev-subscriber" }
}

override_resource {
  target = aws_lambda_function.this
  values = { arn = "arn:aws:lambda:eu-west-1:111122223333:function:dev-subscriber" }
}

variables {
  function_name = "dev-subscriber"
  filename      = "lambda.zip"
  # The package is not built in these tests: give its hash instead.
  source_code_hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

  queue_arn                        = "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue"
  queue_visibility_timeout_seconds = 120
  queue_kms_key_arn                = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001"

  vpc_id         = "vpc-0123456789abcdef0"
  vpc_cidr_block = "10.20.0.0/16"
  subnet_ids     = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]

  database_secret_arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"
  database_host       = "dev.abcdefghijkl.eu-west-1.rds.amazonaws.com"
  database_name       = "pubsub_ingest"
  database_username   = "pubsub_ingest"
}

run "event_source_reports_batch_item_failures_with_bounded_concurrency" {
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "The event source mapping must use ReportBatchItemFailures."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 5
    error_message = "The event source mapping must bound the concurrency."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.this.event_source_arn == "arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue" &&
      aws_lambda_event_source_mapping.this.function_name == "arn:aws:lambda:eu-west-1:111122223333:function:dev-subscriber"
    )
    error_message = "The mapping must connect the queue to the function."
  }
}

run "function_runs_the_subscriber_bundle" {
  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs24.x" && aws_lambda_function.this.handler == "index.handler"
    error_message = "The function runs index.handler on Node.js 24."
  }

  assert {
    condition = aws_lambda_function.this.environment[0].variables == tomap({
      DATABASE_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"
      PGHOST              = "dev.abcdefghijkl.eu-west-1.rds.amazonaws.com"
      PGPORT              = "5432"
      PGDATABASE          = "pubsub_ingest"
      PGUSER              = "pubsub_ingest"
      PGSSLMODE           = "verify-full"
      NODE_EXTRA_CA_CERTS = "/var/runtime/ca-cert.pem"
      QUEUE_NAME          = "dev-data-ingestion-queue"
      METRICS_NAMESPACE   = "PubsubIngest"
    })
    error_message = "The function's environment is the secret ARN and the libpq variables (the user of the secret, not the driver's default), with TLS verification against the RDS CAs the runtime ships, no password, the queue's name for its spans and the namespace of its EMF metrics."
  }

  assert {
    condition     = length(aws_lambda_function.this.vpc_config[0].subnet_ids) == 2 && length(aws_lambda_function.this.vpc_config[0].security_group_ids) == 1
    error_message = "The function runs in the private subnets with its own security group."
  }
}

run "role_holds_exactly_the_needed_permissions" {
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.this.policy).Statement : [
        for a in s.Action : "${s.Effect} ${a} ${s.Resource}"
      ]
      ])) == toset([
      "Allow sqs:ReceiveMessage arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow sqs:DeleteMessage arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow sqs:GetQueueAttributes arn:aws:sqs:eu-west-1:111122223333:dev-data-ingestion-queue",
      "Allow kms:Decrypt arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001",
      "Allow logs:CreateLogStream arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/dev-subscriber:*",
      "Allow logs:PutLogEvents arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/dev-subscriber:*",
      "Allow secretsmanager:GetSecretValue arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf",
      "Allow ec2:AssignPrivateIpAddresses *",
      "Allow ec2:CreateNetworkInterface *",
      "Allow ec2:DeleteNetworkInterface *",
      "Allow ec2:DescribeNetworkInterfaces *",
      "Allow ec2:DescribeSubnets *",
      "Allow ec2:UnassignPrivateIpAddresses *",
    ])
    error_message = "The role must hold only the SQS, KMS, logs, secret and VPC network interface permissions."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" }
    error_message = "Only Lambda may assume the role."
  }
}

run "egress_stays_inside_the_vpc" {
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.database.cidr_ipv4 == "10.20.0.0/16" && aws_vpc_security_group_egress_rule.database.from_port == 5432 &&
      aws_vpc_security_group_egress_rule.endpoints.cidr_ipv4 == "10.20.0.0/16" && aws_vpc_security_group_egress_rule.endpoints.from_port == 443
    )
    error_message = "The function may only reach PostgreSQL and HTTPS endpoints inside the VPC."
  }
}

run "secret_with_customer_managed_key" {
  variables {
    database_secret_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002"
  }

  assert {
    condition = contains(
      [for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource if s.Sid == "DecryptDatabaseSecret"],
      "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002",
    )
    error_message = "A customer-managed key of the secret must be decryptable."
  }
}

run "rejects_a_timeout_longer_than_the_visibility_timeout" {
  command = plan

  variables {
    timeout                          = 60
    queue_visibility_timeout_seconds = 30
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_a_maximum_concurrency_below_two" {
  command = plan

  variables {
    maximum_concurrency = 1
  }

  expect_failures = [var.maximum_concurrency]
}

run "alarms_on_errors_and_throttles" {
  variables {
    alarm_actions = ["arn:aws:sns:eu-west-1:111122223333:alarms"]
  }

  assert {
    condition     = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.metric_name } == { errors = "Errors", throttles = "Throttles" }
    error_message = "The function needs alarms on its errors and its throttles."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this : (
        a.namespace == "AWS/Lambda" &&
        a.dimensions.FunctionName == "dev-subscriber" &&
        a.statistic == "Sum" &&
        a.period == 60 && a.evaluation_periods == 5 && a.datapoints_to_alarm == 3 &&
        a.comparison_operator == "GreaterThanThreshold" && a.threshold == 0 &&
        a.treat_missing_data == "notBreaching"
      )
    ])
    error_message = "The alarms fire when the function had errors (or throttles) in 3 of the last 5 minutes."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:alarms"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:111122223333:alarms"])
    ])
    error_message = "The alarms must notify the given actions when they fire and recover."
  }

  assert {
    condition = (
      endswith(aws_cloudwatch_metric_alarm.this["errors"].alarm_description, "Runbook: https://github.com/pubsub-ingest/pubsub-ingest/blob/main/docs/operations.md#lambdasubscribererrors") &&
      endswith(aws_cloudwatch_metric_alarm.this["throttles"].alarm_description, "docs/operations.md#lambdasubscriberthrottles")
    )
    error_message = "Each alarm's description must end with its runbook in docs/operations.md."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["errors"].alarm_name == "dev-subscriber-errors" && toset(keys(output.alarm_arns)) == toset(["errors", "throttles"])
    error_message = "The alarms are named after the function and listed in alarm_arns."
  }
}

run "alarms_can_be_switched_off" {
  variables {
    enable_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0 && length(output.alarm_arns) == 0
    error_message = "Alarms can be switched off."
  }
}

run "rejects_more_datapoints_than_evaluation_periods" {
  command = plan

  variables {
    alarm_evaluation_periods  = 3
    alarm_datapoints_to_alarm = 4
  }

  expect_failures = [aws_cloudwatch_metric_alarm.this]
}
