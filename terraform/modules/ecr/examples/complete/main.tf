provider "aws" {
  region = var.region
}

module "ecr" {
  source = "../../"

  name_prefix             = "pubsub-ingest-example/"
  repositories            = ["publisher", "subscriber"]
  disposable_tag_patterns = ["pr-*", "dev-*"]

  tags = { Example = "ecr" }
}
