output "instance_id" {
  description = "Identifier of the RDS instance."
  value       = aws_db_instance.this.identifier
}

output "instance_arn" {
  description = "ARN of the RDS instance."
  value       = aws_db_instance.this.arn
}

output "address" {
  description = "Host name of the database (PGHOST)."
  value       = aws_db_instance.this.address
}

output "instance_iam_authentication_enabled" {
  description = "Whether the instance accepts IAM database authentication tokens."
  value       = aws_db_instance.this.iam_database_authentication_enabled
}

output "resource_id" {
  description = "Resource ID (db-...) of the instance, the scope of rds-db:connect permissions."
  value       = aws_db_instance.this.resource_id
}

output "ca_cert_identifier" {
  description = "Certificate authority of the server certificate, the one clients must trust."
  value       = var.ca_cert_identifier
}

output "port" {
  description = "Port of the database (PGPORT)."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the database (PGDATABASE)."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "Name of the master user (PGUSER)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret that RDS manages for the master user (JSON with username and password)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "master_user_secret_kms_key_id" {
  description = "KMS key that encrypts the master user secret."
  value       = aws_db_instance.this.master_user_secret[0].kms_key_id
}

output "security_group_id" {
  description = "ID of the security group of the database."
  value       = aws_security_group.this.id
}

output "parameter_group_name" {
  description = "Name of the parameter group (TLS required)."
  value       = aws_db_parameter_group.this.name
}

output "allowed_security_group_ids" {
  description = "Security groups admitted on the PostgreSQL port, by client."
  value       = { for k, v in aws_vpc_security_group_ingress_rule.clients : k => v.referenced_security_group_id }
}
