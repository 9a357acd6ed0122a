data "aws_region" "current" {}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # Nothing that may be running is ever expired: release and commit tags are
  # kept forever (a deployment may pin any of them, and a rollback needs the
  # old ones). Only images whose tags match disposable_tag_patterns (builds
  # of unmerged changes) age out. Untagged images are kept by default: the
  # platform images and attestations inside a multi-architecture image index
  # are untagged manifests, and expiring them breaks the tagged index.
  lifecycle_rules = concat(
    length(var.disposable_tag_patterns) == 0 ? [] : [{
      rulePriority = 1
      description  = "Expire images tagged ${join(", ", var.disposable_tag_patterns)} after ${var.disposable_image_expiry_days} days"
      selection = {
        tagStatus      = "tagged"
        tagPatternList = var.disposable_tag_patterns
        countType      = "sinceImagePushed"
        countUnit      = "days"
        countNumber    = var.disposable_image_expiry_days
      }
      action = { type = "expire" }
    }],
    var.untagged_image_expiry_days == null ? [] : [{
      rulePriority = 2
      description  = "Expire untagged images after ${var.untagged_image_expiry_days} days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = var.untagged_image_expiry_days
      }
      action = { type = "expire" }
    }],
  )
}

resource "aws_ecr_repository" "this" {
  for_each = toset(var.repositories)

  name                 = "${var.name_prefix}${each.value}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each = length(local.lifecycle_rules) == 0 ? {} : aws_ecr_repository.this

  repository = each.value.name
  policy     = jsonencode({ rules = local.lifecycle_rules })
}
