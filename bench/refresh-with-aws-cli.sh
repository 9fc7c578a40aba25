#!/bin/sh
# The shell pipeline ecr-token-refresher replaces: mint an ECR password with
# the aws CLI and PUT it into a Pipecat Cloud image pull secret with curl.
# It neither retries nor waits for the set to become ready.
# Needs: AWS (the aws CLI to run), ECR_URL, AWS_REGION, REGISTRY_HOST,
# PCC_API_URL, PCC_API_KEY, PCC_SECRET_SET, and jq and curl on PATH.
set -eu
"$AWS" ecr get-login-password --endpoint-url "$ECR_URL" --region "$AWS_REGION" \
  | jq -Rc --arg host "$REGISTRY_HOST" '{isImagePullSecret: true, host: $host, secretValue: ("AWS:" + . | @base64)}' \
  | curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $PCC_API_KEY" -H 'content-type: application/json' \
      --data @- "$PCC_API_URL/secrets/$PCC_SECRET_SET"
