# Everything the Helm charts and the cluster add-ons need. Nothing here is a
# secret: the database password stays in Secrets Manager (database_secret_arn).

locals {
  database_user = {
    for svc in ["publisher", "subscriber"] : svc => (
      var.database_auth == "iam" ? var.database_iam_users[svc] : module.database.username
    )
  }
  # database.auth of the charts: how a service gets its database credentials.
  database_auth_values = {
    for svc in ["publisher", "subscriber"] : svc => (
      var.database_auth == "iam" ? { method = "iam" } : { method = "secretsManager", secretArn = module.database.master_user_secret_arn }
    )
  }
  database_values = {
    for svc in ["publisher", "subscriber"] : svc => {
      host    = module.database.address
      port    = module.database.port
      name    = module.database.db_name
      user    = local.database_user[svc]
      sslMode = "verify-full"
      auth    = local.database_auth_values[svc]
      # The charts ship the Amazon RDS certificate authorities and mount them.
      tls = { rdsCaBundle = true }
    }
  }
  # NetworkPolicy peers: RDS in the private subnets, the interface VPC
  # endpoints of the AWS APIs in the VPC, the internet-facing ALB in the
  # public subnets.
  network_policy_egress = {
    database = { cidrs = module.network.private_subnet_cidr_blocks }
    aws      = { cidrs = [module.network.vpc_cidr_block] }
  }

  cloudwatch_exporter_config = {
    region = var.region
    # The names of these metrics, as the exporter writes them, are what the
    # subscriber chart's alerts query: aws_sqs_<metric>_<statistic>, with the
    # queue in the queue_name label.
    metrics = [
      for m in [
        { name = "ApproximateNumberOfMessagesVisible", statistic = "Average" },
        { name = "ApproximateAgeOfOldestMessage", statistic = "Maximum" },
        ] : {
        aws_namespace        = "AWS/SQS"
        aws_metric_name      = m.name
        aws_dimensions       = ["QueueName"]
        aws_dimension_select = { QueueName = [module.messaging.queue_name, module.messaging.dlq_name] }
        aws_statistics       = [m.statistic]
        period_seconds       = 60
        range_seconds        = 300
      }
    ]
  }

  irsa_annotation = "eks.amazonaws.com/role-arn"
}

output "aws_region" {
  description = "AWS_REGION of both components."
  value       = var.region
}

output "cluster_name" {
  description = "Name of the EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API. Private unless eks_endpoint_public_access: reachable from inside the VPC only (Argo CD, Jenkins agents, a bastion or a VPN)."
  value       = module.eks.cluster_endpoint
}

output "cluster_endpoint_access" {
  description = "Where the Kubernetes API can be reached from: \"vpc\" (private endpoint only) or the public CIDR blocks as well."
  value       = var.eks_endpoint_public_access ? concat(["vpc"], var.eks_endpoint_public_access_cidrs) : ["vpc"]
}

output "namespace" {
  description = "Kubernetes namespace the application's IRSA roles trust."
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

output "queue_name" {
  description = "Name of the queue (its CloudWatch QueueName dimension)."
  value       = module.messaging.queue_name
}

output "dlq_url" {
  description = "URL of the dead-letter queue (for redrive after a fix)."
  value       = module.messaging.dlq_url
}

output "dlq_name" {
  description = "Name of the dead-letter queue (its CloudWatch QueueName dimension)."
  value       = module.messaging.dlq_name
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
  description = "Master user of the database (the migration's PGUSER; the services' too with database_auth = \"secrets_manager\")."
  value       = module.database.username
}

output "database_secret_arn" {
  description = "ARN of the RDS-managed secret with the master credentials (DATABASE_SECRET_ARN of the migration, of the Lambda, and of the services with database_auth = \"secrets_manager\")."
  value       = module.database.master_user_secret_arn
}

output "database_ca_cert_identifier" {
  description = "Certificate authority of the database's server certificate; the charts' RDS CA bundle holds it."
  value       = module.database.ca_cert_identifier
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
  value = merge(
    {
      AWS_REGION     = var.region
      ALLOWED_TOPICS = module.messaging.allowed_topics
      PGHOST         = module.database.address
      PGPORT         = tostring(module.database.port)
      PGDATABASE     = module.database.db_name
      PGUSER         = local.database_user.publisher
      PGSSLMODE      = "verify-full"
    },
    var.database_auth == "iam" ? { DATABASE_AUTH = "iam" } : { DATABASE_SECRET_ARN = module.database.master_user_secret_arn },
  )
}

output "subscriber_environment" {
  description = "Non-secret environment of the subscriber, by variable name."
  value = merge(
    {
      AWS_REGION = var.region
      QUEUE_URL  = module.messaging.queue_url
      PGHOST     = module.database.address
      PGPORT     = tostring(module.database.port)
      PGDATABASE = module.database.db_name
      PGUSER     = local.database_user.subscriber
      PGSSLMODE  = "verify-full"
    },
    var.database_auth == "iam" ? { DATABASE_AUTH = "iam" } : { DATABASE_SECRET_ARN = module.database.master_user_secret_arn },
  )
}

output "network" {
  description = "Address ranges of the VPC, for NetworkPolicies and firewall rules."
  value = {
    vpc_cidr_block             = module.network.vpc_cidr_block
    public_subnet_cidr_blocks  = module.network.public_subnet_cidr_blocks
    private_subnet_cidr_blocks = module.network.private_subnet_cidr_blocks
  }
}

output "node_groups" {
  description = "Instance types and size limits of the node groups (the capacity the workloads' autoscaling may use)."
  value = {
    for k, g in var.eks_node_groups : k => {
      instance_types = g.instance_types
      min_size       = g.min_size
      max_size       = g.max_size
    }
  }
}

output "workload_identities" {
  description = "Every IRSA role of the environment, by component: its ARN, the service accounts (namespace/name) it trusts, its inline policy (JSON, null if none) and its AWS managed policies."
  value = merge(
    { for k, r in module.irsa.roles : k => { arn = r.arn, service_accounts = r.service_accounts, policy = r.policy, managed_policies = [] } },
    { for k, r in module.platform_irsa.roles : k => { arn = r.arn, service_accounts = r.service_accounts, policy = r.policy, managed_policies = [] } },
    {
      for k, arn in module.eks.addon_role_arns : k => {
        arn              = arn
        service_accounts = [local.addon_service_accounts[k]]
        policy           = null
        managed_policies = [local.addon_managed_policies[k]]
      }
    },
  )
}

locals {
  addon_service_accounts = { "vpc-cni" = "kube-system/aws-node", "aws-ebs-csi-driver" = "kube-system/ebs-csi-controller-sa" }
  addon_managed_policies = { "vpc-cni" = "AmazonEKS_CNI_Policy", "aws-ebs-csi-driver" = "service-role/AmazonEBSCSIDriverPolicy" }
}

output "ci_image_push_role_arn" {
  description = "Role of the CI agents' service account (ci_service_accounts): pushes the images to the repositories of ecr_repository_urls."
  value       = module.platform_irsa.role_arns["ci-image-push"]
}

# Values of the cluster add-ons' own Helm charts (KEDA, AWS Load Balancer
# Controller, cluster-autoscaler, prometheus-cloudwatch-exporter), in their
# structure: tofu output -json platform_helm_values | jq .keda > keda-infra.json
output "platform_helm_values" {
  description = "Infrastructure part of the Helm values of the cluster add-ons, by add-on."
  value = {
    keda = {
      podIdentity = { aws = { irsa = { enabled = true, roleArn = module.platform_irsa.role_arns["keda-operator"] } } }
    }
    aws_load_balancer_controller = {
      clusterName = module.eks.cluster_name
      region      = var.region
      # The nodes' instance metadata is out of the pods' reach (hop limit 1):
      # the controller cannot discover its VPC by itself.
      vpcId = module.network.vpc_id
      serviceAccount = {
        name        = split("/", module.platform_irsa.roles["aws-load-balancer-controller"].service_accounts[0])[1]
        annotations = { (local.irsa_annotation) = module.platform_irsa.role_arns["aws-load-balancer-controller"] }
      }
    }
    cluster_autoscaler = {
      autoDiscovery = { clusterName = module.eks.cluster_name }
      awsRegion     = var.region
      rbac = {
        serviceAccount = {
          name        = split("/", module.platform_irsa.roles["cluster-autoscaler"].service_accounts[0])[1]
          annotations = { (local.irsa_annotation) = module.platform_irsa.role_arns["cluster-autoscaler"] }
        }
      }
    }
    cloudwatch_exporter = {
      serviceAccount = {
        name        = split("/", module.platform_irsa.roles["cloudwatch-exporter"].service_accounts[0])[1]
        annotations = { (local.irsa_annotation) = module.platform_irsa.role_arns["cloudwatch-exporter"] }
      }
      config = yamlencode(local.cloudwatch_exporter_config)
    }
  }
}

# Values for the charts of helm-charts/, in their own structure:
#   tofu output -json helm_values | jq .publisher > publisher-infra.json
#   helm upgrade --install publisher helm-charts/publisher -f values-production.yaml -f publisher-infra.json
# With the Lambda subscriber there is no subscriber part: do not install the
# subscriber chart then, the Lambda consumes the queue.
output "helm_values" {
  description = "Infrastructure part of the Helm values of the publisher and the subscriber charts."
  value = merge(
    {
      publisher = {
        image = { repository = module.ecr.repository_urls["publisher"] }
        config = {
          awsRegion     = var.region
          allowedTopics = module.messaging.allowed_topics_list
        }
        database = local.database_values.publisher
        serviceAccount = {
          name    = var.publisher_service_account
          roleArn = module.irsa.publisher_role_arn
        }
        # The migration owns the schema: it connects as the master user with
        # the secret, whatever the services do.
        migration = {
          serviceAccount = {
            name    = var.migration_service_account
            roleArn = module.irsa.migrator_role_arn
          }
          database = {
            user = module.database.username
            auth = { method = "secretsManager", secretArn = module.database.master_user_secret_arn }
          }
        }
        networkPolicy = {
          ingress = { cidrs = module.network.public_subnet_cidr_blocks }
          egress  = local.network_policy_egress
        }
      }
    },
    var.enable_lambda_subscriber ? {} : {
      subscriber = {
        image = { repository = module.ecr.repository_urls["subscriber"] }
        config = {
          awsRegion                = var.region
          queueUrl                 = module.messaging.queue_url
          visibilityTimeoutSeconds = module.messaging.queue_visibility_timeout_seconds
        }
        database = local.database_values.subscriber
        serviceAccount = {
          name    = var.subscriber_service_account
          roleArn = module.irsa.subscriber_role_arn
        }
        autoscaling = {
          keda = { authentication = { roleArn = module.irsa.subscriber_scaler_role_arn } }
        }
        metrics = {
          prometheusRule = {
            queueName = module.messaging.queue_name
            dlqName   = module.messaging.dlq_name
          }
        }
        networkPolicy = {
          egress = local.network_policy_egress
        }
      }
    },
  )
}
