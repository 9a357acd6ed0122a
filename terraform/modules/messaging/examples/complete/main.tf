provider "aws" {
  region = var.region
}

resource "aws_sns_topic" "alarms" {
  name              = "pubsub-ingest-example-alarms"
  kms_master_key_id = "alias/aws/sns"
}

module "messaging" {
  source = "../../"

  name_prefix = "example-"

  visibility_timeout_seconds = 30
  max_receive_count          = 5
  alarm_actions              = [aws_sns_topic.alarms.arn]

  tags = { Example = "messaging" }
}
