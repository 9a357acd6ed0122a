provider "aws" {
  region = var.region
}

module "ecr" {
  source = "../../"

  name_prefix     = "pubsub-ingest-example/"
  repositories    = ["publisher", "subscriber"]
  max_image_count = 30

  tags = { Example = "ecr" }
}
