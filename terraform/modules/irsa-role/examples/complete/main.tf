provider "aws" {
  region = var.region
}

module "queue_reader" {
  source = "../../"

  name              = "pubsub-ingest-example-queue-reader"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  service_accounts  = ["pubsub-ingest/queue-reader"]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:GetQueueAttributes"]
      Resource = var.queue_arn
    }]
  })

  tags = { Example = "irsa-role" }
}
