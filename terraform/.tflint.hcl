# TFLint configuration of every module, example and environment.
# The AWS ruleset (tflint-ruleset-aws) is not enabled: see terraform/README.md.

config {
  call_module_type = "local"
  force            = false
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
