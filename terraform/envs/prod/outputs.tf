# Everything the Helm values of the chart need. Nothing here is a secret: the
# database password stays in Secrets Manager (database_secret_arn).

output "aws_region" {
  description = "AWS_REGION of both components."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = module.eks.cluster_endpoint
}

output "namespace" {
  description = "Kubernetes namespace the IRSA roles trust."
  value       = var.namespace
}

output "publisher_role_arn" {
  description = "eks.amazonaws.com/role-arn annotation of the publisher's service account."
  value       = module.irsa.publisher_role_arn
}

output "subscriber_role_arn" {
  description = "eks.amazonaws.com/role-arn annotation of the subscriber's service account."
  value       = module.irsa.subscriber_role_arn
}

output "topic_arn" {
  description = "ARN of the data-ingestion-topic topic."
  value       = module.messaging.topic_arn
}

output "allowed_topics" {
  description = "ALLOWED_TOPICS of the publisher (data-ingestion-topic=<arn>)."
  value       = module.messaging.allowed_topics
}

output "queue_url" {
  description = "QUEUE_URL of the subscriber."
  value       = module.messaging.queue_url
}

output "dlq_url" {
  description = "URL of the dead-letter queue (for redrive after a fix)."
  value       = module.messaging.dlq_url
}

output "database_host" {
  description = "PGHOST of both components."
  value       = module.database.address
}

output "database_port" {
  description = "PGPORT of both components."
  value       = module.database.port
}

output "database_name" {
  description = "PGDATABASE of both components."
  value       = module.database.db_name
}

output "database_username" {
  description = "PGUSER of both components."
  value       = module.database.username
}

output "database_secret_arn" {
  description = "ARN of the RDS-managed secret with the database credentials (source of PGPASSWORD, DATABASE_SECRET_ARN of the Lambda)."
  value       = module.database.master_user_secret_arn
}

output "ecr_repository_urls" {
  description = "Image repositories of the publisher and the subscriber."
  value       = module.ecr.repository_urls
}

output "lambda_function_name" {
  description = "Name of the Lambda subscriber (null when it is disabled)."
  value       = var.enable_lambda_subscriber ? module.lambda_subscriber[0].function_name : null
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms of the environment."
  value       = aws_sns_topic.alarms.arn
}

output "publisher_environment" {
  description = "Non-secret environment of the publisher, by variable name."
  value = {
    AWS_REGION     = var.region
    ALLOWED_TOPICS = module.messaging.allowed_topics
    PGHOST         = module.database.address
    PGPORT         = tostring(module.database.port)
    PGDATABASE     = module.database.db_name
    PGUSER         = module.database.username
    PGSSLMODE      = "verify-full"
  }
}

output "subscriber_environment" {
  description = "Non-secret environment of the subscriber, by variable name."
  value = {
    AWS_REGION = var.region
    QUEUE_URL  = module.messaging.queue_url
    PGHOST     = module.database.address
    PGPORT     = tostring(module.database.port)
    PGDATABASE = module.database.db_name
    PGUSER     = module.database.username
    PGSSLMODE  = "verify-full"
  }
}

# Values for the Helm charts of helm-charts/, in their own structure:
#   tofu output -json helm_values | jq .publisher > publisher-infra.json
#   helm upgrade --install publisher helm-charts/publisher -f values-production.yaml -f publisher-infra.json
output "helm_values" {
  description = "Infrastructure part of the Helm values of the publisher and the subscriber charts."
  value = {
    publisher = {
      config = {
        awsRegion     = var.region
        allowedTopics = module.messaging.allowed_topics_list
      }
      database = {
        host    = module.database.address
        port    = module.database.port
        name    = module.database.db_name
        user    = module.database.username
        sslMode = "verify-full"
        externalSecret = {
          remoteRef = { key = module.database.master_user_secret_arn }
        }
      }
      serviceAccount = {
        name    = var.publisher_service_account
        roleArn = module.irsa.publisher_role_arn
      }
    }
    subscriber = {
      config = {
        awsRegion                = var.region
        queueUrl                 = module.messaging.queue_url
        visibilityTimeoutSeconds = module.messaging.queue_visibility_timeout_seconds
      }
      database = {
        host    = module.database.address
        port    = module.database.port
        name    = module.database.db_name
        user    = module.database.username
        sslMode = "verify-full"
        externalSecret = {
          remoteRef = { key = module.database.master_user_secret_arn }
        }
      }
      serviceAccount = {
        name    = var.subscriber_service_account
        roleArn = module.irsa.subscriber_role_arn
      }
    }
  }
}
