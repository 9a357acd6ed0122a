output "address" {
  description = "Host name of the database."
  value       = module.database.address
}

output "master_user_secret_arn" {
  description = "ARN of the master user secret."
  value       = module.database.master_user_secret_arn
}
