output "role_arn" {
  description = "Role of the queue-reader service account."
  value       = module.queue_reader.arn
}
