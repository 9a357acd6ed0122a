#!/usr/bin/env bash
# Applies the messaging module (KMS and alarms switched off) to a local SNS/SQS
# emulator (moto, from PyPI), reads the created queue and subscription back,
# publishes a message to the topic and checks that it arrives in the queue
# unchanged (raw message delivery).
#
# The emulator listens on 127.0.0.1 only and is stopped at the end. It does not
# evaluate IAM, queue or key policies: those are covered by the tofu tests. It
# does not implement the RedriveAllowPolicy attribute either (the provider would
# wait for it forever), so that one resource is excluded from the apply.
#
# Usage: scripts/terraform/emulator-apply.sh   (install-tools.sh must have run;
#        check.sh runs it as one of its checks)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

eval "$(bash "$SCRIPT_DIR/install-tools.sh" --print-env)"
[[ -x "$TOFU_BIN" && -x "$AWS_PROVIDER_BIN" ]] || { echo "emulator-apply: run install-tools.sh first" >&2; exit 1; }

log() { printf '[emulator %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- Emulator ----------------------------------------------------------------------
moto_dir="$MOTO_DIR"
[[ -x "$moto_dir/bin/moto_server" ]] || { echo "emulator-apply: moto is missing, run install-tools.sh first" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/pubsub-ingest-emulator.XXXXXX")"
moto_pid=""
cleanup() {
  if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port="$("$moto_dir/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"
"$moto_dir/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 50); do
  if "$moto_dir/bin/python" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.2
done
kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.log" >&2; echo "emulator-apply: the emulator did not start" >&2; exit 1; }
log "emulator on $endpoint"

# --- Root configuration around the module ---------------------------------------------
export AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator AWS_REGION=eu-west-1
mkdir -p "$work/root"
cat >"$work/root/main.tf" <<EOF
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_requesting_account_id  = true

  endpoints {
    sns = "$endpoint"
    sqs = "$endpoint"
    sts = "$endpoint"
  }
}

module "messaging" {
  source = "$REPO_ROOT/terraform/modules/messaging"

  name_prefix   = "emulator-"
  enable_kms    = false
  enable_alarms = false
}

output "topic_arn" {
  value = module.messaging.topic_arn
}

output "queue_url" {
  value = module.messaging.queue_url
}

output "allowed_topics" {
  value = module.messaging.allowed_topics
}

output "subscription_arn" {
  value = module.messaging.subscription_arn
}
EOF

cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$AWS_PROVIDER_MIRROR"
    include = ["registry.opentofu.org/hashicorp/aws"]
  }
  direct {
    exclude = ["*/*/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
tofu() { "$TOFU_BIN" -chdir="$work/root" "$@"; }

tofu init -no-color >"$work/init.log" 2>&1 || { cat "$work/init.log"; exit 1; }
log "apply"
exclude="-exclude=module.messaging.aws_sqs_queue_redrive_allow_policy.dlq"
timeout 600 "$TOFU_BIN" -chdir="$work/root" apply -auto-approve -no-color "$exclude" >"$work/apply.log" 2>&1 || { cat "$work/apply.log"; exit 1; }
grep -E "complete after|^Apply complete" "$work/apply.log"

topic_arn="$(tofu output -raw topic_arn)"
queue_url="$(tofu output -raw queue_url)"
allowed_topics="$(tofu output -raw allowed_topics)"
log "topic $topic_arn"
log "queue $queue_url"

[[ "$allowed_topics" == "data-ingestion-topic=$topic_arn" ]] || { echo "allowed_topics is '$allowed_topics'" >&2; exit 1; }

# --- Publish and receive through the emulator ----------------------------------------------
log "publish and receive"
"$moto_dir/bin/python" - "$endpoint" "$topic_arn" "$queue_url" <<'EOF'
import json, sys, boto3
endpoint, topic_arn, queue_url = sys.argv[1:4]
sns = boto3.client("sns", endpoint_url=endpoint, region_name="eu-west-1")
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="eu-west-1")

attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
assert attrs["ReceiveMessageWaitTimeSeconds"] == "20", attrs
assert attrs["VisibilityTimeout"] == "30", attrs
redrive = json.loads(attrs["RedrivePolicy"])
assert redrive["deadLetterTargetArn"].endswith(":emulator-data-ingestion-dlq"), redrive
assert int(redrive["maxReceiveCount"]) == 5, redrive
policy = json.loads(attrs["Policy"])
allow = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
assert len(allow) == 1 and allow[0]["Condition"]["ArnEquals"]["aws:SourceArn"] == topic_arn, policy

subs = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
assert len(subs) == 1 and subs[0]["Protocol"] == "sqs", subs
sub_attrs = sns.get_subscription_attributes(SubscriptionArn=subs[0]["SubscriptionArn"])["Attributes"]
assert sub_attrs["RawMessageDelivery"] == "true", sub_attrs
assert json.loads(sub_attrs["RedrivePolicy"])["deadLetterTargetArn"].endswith(":emulator-data-ingestion-subscription-dlq"), sub_attrs

body = json.dumps({"id": "emulator-check", "payload": {"n": 1}})
sns.publish(TopicArn=topic_arn, Message=body)
msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=2).get("Messages", [])
assert len(msgs) == 1, msgs
assert msgs[0]["Body"] == body, f"raw delivery expected, got {msgs[0]['Body']!r}"
sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=msgs[0]["ReceiptHandle"])
print("published message arrived unchanged in the queue")
EOF

# No destroy: the emulator keeps its state in memory and is stopped on exit.
log "done"
