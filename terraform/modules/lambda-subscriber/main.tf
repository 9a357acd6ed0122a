locals {
  source_code_hash = var.source_code_hash != null ? var.source_code_hash : filebase64sha256(var.filename)

  environment = merge(var.environment_variables, {
    DATABASE_SECRET_ARN = var.database_secret_arn
    PGHOST              = var.database_host
    PGPORT              = tostring(var.database_port)
    PGDATABASE          = var.database_name
    PGUSER              = var.database_username
    PGSSLMODE           = "verify-full"
    # Node.js runtimes from nodejs20.x on no longer trust the Amazon RDS
    # certificate authorities by default; the runtime ships them in this
    # bundle. Without it, verify-full fails with a self-signed chain error.
    NODE_EXTRA_CA_CERTS = "/var/runtime/ca-cert.pem"
    # The queue's name in the handler's spans, and the namespace of the
    # ingest metrics it writes as CloudWatch Embedded Metric Format.
    QUEUE_NAME        = element(split(":", var.queue_arn), 5)
    METRICS_NAMESPACE = var.metrics_namespace
  })

  # Everything the function's role may do. Tests read this policy back from the
  # plan, so keep it a plain jsonencode (no policy document data source).
  role_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # What the SQS event source mapping needs to poll on the function's behalf.
          Sid      = "ConsumeQueue"
          Effect   = "Allow"
          Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
          Resource = var.queue_arn
        },
        {
          Sid      = "WriteLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.this.arn}:*"
        },
        {
          Sid      = "ReadDatabaseSecret"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = var.database_secret_arn
        },
        {
          # ENI management for VPC access. These EC2 actions cannot be limited to
          # resource ARNs known in advance: the interfaces do not exist yet and the
          # Describe actions support no resource-level permissions at all.
          Sid    = "VpcNetworkInterfaces"
          Effect = "Allow"
          Action = [
            "ec2:AssignPrivateIpAddresses",
            "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:UnassignPrivateIpAddresses",
          ]
          Resource = "*"
        },
      ],
      var.queue_kms_key_arn == null ? [] : [
        {
          Sid      = "DecryptQueueMessages"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.queue_kms_key_arn
        },
      ],
      var.database_secret_kms_key_arn == null ? [] : [
        {
          Sid      = "DecryptDatabaseSecret"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.database_secret_kms_key_arn
        },
      ],
    )
  }
}

################################################################################
# IAM role
################################################################################

resource "aws_iam_role" "this" {
  name = var.function_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "subscriber"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.role_policy)
}

################################################################################
# Network: egress only to the database and to the VPC endpoints
################################################################################

resource "aws_security_group" "this" {
  name        = "${var.function_name}-lambda"
  description = "Lambda subscriber ${var.function_name}: egress to PostgreSQL and to the VPC endpoints only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.function_name}-lambda" })
}

resource "aws_vpc_security_group_egress_rule" "database" {
  security_group_id = aws_security_group.this.id
  description       = "PostgreSQL inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.database_port
  to_port           = var.database_port
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the interface VPC endpoints (Secrets Manager)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

################################################################################
# Function
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116: a Lambda DLQ only serves asynchronous invocations; this function is invoked synchronously by the SQS event source, and failed messages go back to the queue, whose redrive policy moves them to its DLQ.
  # checkov:skip=CKV_AWS_272: the package is built from the repository by the project's CI and deployed by this code; no AWS Signer profile is set up.
  # checkov:skip=CKV_AWS_50: the subscriber does not emit X-Ray traces; enabling tracing would add xray:PutTraceSegments on "*" to the role.
  function_name    = var.function_name
  description      = "Stores the messages of the SQS queue in PostgreSQL"
  role             = aws_iam_role.this.arn
  filename         = var.filename
  source_code_hash = local.source_code_hash
  runtime          = var.runtime
  handler          = var.handler
  architectures    = var.architectures
  memory_size      = var.memory_size
  timeout          = var.timeout

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.environment_kms_key_arn

  environment {
    variables = local.environment
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.timeout <= var.queue_visibility_timeout_seconds
      error_message = "The function timeout must not exceed the visibility timeout of the queue, or messages are delivered twice while still in work."
    }
  }

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn                   = var.queue_arn
  function_name                      = aws_lambda_function.this.arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = var.tags
}

################################################################################
# Alarms
################################################################################

locals {
  # Each alarm's description ends with its runbook: a section of docs/operations.md.
  runbook = trimsuffix(var.runbook_base_url, "/")

  alarms = {
    errors = {
      metric      = "Errors"
      description = "Invocations of ${var.function_name} fail as a whole (a configuration error, an uncaught exception or a timeout; messages the database refuses are reported one by one and are no error): the whole batch returns to the queue, and reaches its dead-letter queue after the maximum receive count."
      anchor      = "lambdasubscribererrors"
    }
    throttles = {
      metric      = "Throttles"
      description = "Lambda throttles ${var.function_name}: its reserved concurrency or the account's limit is below what the SQS event source asks for; messages wait in the queue."
      anchor      = "lambdasubscriberthrottles"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.enable_alarms ? local.alarms : {}

  alarm_name          = "${var.function_name}-${each.key}"
  alarm_description   = "${each.value.description} Runbook: ${local.runbook}#${each.value.anchor}"
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.alarm_datapoints_to_alarm <= var.alarm_evaluation_periods
      error_message = "alarm_datapoints_to_alarm cannot exceed alarm_evaluation_periods."
    }
  }
}
