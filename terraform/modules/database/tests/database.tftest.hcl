# Offline tests of the database module: TLS, secrets, network exposure and the
# per-environment switches.

mock_provider "aws" {
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mock" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

override_resource {
  target = aws_db_instance.this
  values = {
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000003"
      secret_status = "active"
    }]
  }
}

variables {
  identifier = "pubsub-ingest-dev"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  allowed_security_group_ids = {
    eks_nodes         = "sg-0000000000000000a"
    lambda_subscriber = "sg-0000000000000000b"
  }
}

run "tls_is_forced_by_the_parameter_group" {
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres18"
    error_message = "The parameter group family must follow the major version."
  }

  assert {
    condition     = contains([for p in aws_db_parameter_group.this.parameter : "${p.name}=${p.value}"], "rds.force_ssl=1")
    error_message = "rds.force_ssl must be 1."
  }

  assert {
    condition     = aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "The instance must use the TLS parameter group."
  }
}

run "password_managed_by_rds_and_storage_encrypted" {
  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "RDS must manage the master password in Secrets Manager."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted && !aws_db_instance.this.publicly_accessible
    error_message = "The storage must be encrypted and the instance private."
  }

  assert {
    condition     = output.master_user_secret_arn == "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-0000-AbCdEf"
    error_message = "The secret ARN must be exposed for the subscriber and the Lambda."
  }
}

run "reachable_only_from_the_client_security_groups" {
  assert {
    condition = toset([for r in aws_vpc_security_group_ingress_rule.clients : r.referenced_security_group_id]) == toset([
      "sg-0000000000000000a", "sg-0000000000000000b",
    ])
    error_message = "Only the EKS nodes and the Lambda may reach the database."
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.clients : r.cidr_ipv4 == null && r.cidr_ipv6 == null && r.from_port == 5432 && r.to_port == 5432])
    error_message = "No CIDR block may reach the database, and only on its port."
  }
}

run "production_switches" {
  variables {
    deletion_protection          = true
    performance_insights_enabled = true
    backup_retention_period      = 14
    multi_az                     = true
  }

  assert {
    condition = (
      aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot &&
      aws_db_instance.this.final_snapshot_identifier == "pubsub-ingest-dev-final" &&
      aws_db_instance.this.performance_insights_enabled &&
      aws_db_instance.this.backup_retention_period == 14 && aws_db_instance.this.multi_az
    )
    error_message = "Production switches must reach the instance."
  }
}

run "development_switches" {
  variables {
    deletion_protection          = false
    performance_insights_enabled = false
    backup_retention_period      = 1
    monitoring_interval          = 0
  }

  assert {
    condition = (
      !aws_db_instance.this.deletion_protection && aws_db_instance.this.skip_final_snapshot &&
      !aws_db_instance.this.performance_insights_enabled && aws_db_instance.this.backup_retention_period == 1 &&
      length(aws_iam_role.monitoring) == 0
    )
    error_message = "Development switches must reach the instance."
  }
}

run "rejects_disabled_backups" {
  command = plan

  variables {
    backup_retention_period = 0
  }

  expect_failures = [var.backup_retention_period]
}

run "iam_authentication_only_when_used" {
  assert {
    condition     = !aws_db_instance.this.iam_database_authentication_enabled
    error_message = "IAM database authentication stays off unless a client uses it."
  }
}

run "iam_authentication_on_request" {
  variables {
    iam_database_authentication_enabled = true
  }

  assert {
    condition     = aws_db_instance.this.iam_database_authentication_enabled
    error_message = "IAM database authentication follows the variable."
  }
}
