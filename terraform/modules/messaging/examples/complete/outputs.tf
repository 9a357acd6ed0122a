output "allowed_topics" {
  description = "ALLOWED_TOPICS value for the publisher."
  value       = module.messaging.allowed_topics
}

output "queue_url" {
  description = "QUEUE_URL value for the subscriber."
  value       = module.messaging.queue_url
}
