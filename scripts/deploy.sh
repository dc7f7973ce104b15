#!/usr/bin/env bash
# Deploys the stack to LocalStack or AWS and writes its outputs to .local/outputs-<target>.json;
# or destroys it.
#
#   scripts/deploy.sh deploy localstack     (npm run deploy:localstack)
#   scripts/deploy.sh deploy aws            (npm run deploy:aws; needs SHOP_ISSUER_URL)
#   scripts/deploy.sh destroy localstack    (npm run destroy:localstack)
#   scripts/deploy.sh destroy aws           (npm run destroy:aws)
#   scripts/deploy.sh plan localstack       (npm run plan:localstack: a change set to review, not executed)
#   scripts/deploy.sh --print-context <target>   the CDK context flags a target is deployed with
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_CLI_TELEMETRY=true

fail() { echo "✖ $*" >&2; exit 1; }

# LocalStack: EMF bridge on (its CloudWatch Logs does not extract EMF), the dashboard put through the
# API (its CloudFormation has no dashboard provider), alarms on one metric only and no X-Ray sampling
# rule (what MiniStack, the free drop-in, refuses: test/infra/localstack-free-tier.json); tokens are issued to the host
# as http://localhost:8080/realms/shop (Keycloak's fixed hostname), while the functions, in their
# own containers on the compose network, fetch the JWKS from http://keycloak:8080.
context_for() {
  case "$1" in
    localstack)
      echo "-c emfBridge=true -c dashboard=api -c alarms=single-metric -c samplingRule=false" \
        "-c issuerUrl=${SHOP_ISSUER_URL:-http://localhost:8080/realms/shop}" \
        "-c jwksUri=${SHOP_JWKS_URI:-http://keycloak:8080/realms/shop/protocol/openid-connect/certs}"
      ;;
    aws)
      [ -n "${SHOP_ISSUER_URL:-}" ] || fail "set SHOP_ISSUER_URL to your Keycloak realm, reachable from AWS Lambda (https://…/realms/shop)"
      echo "-c issuerUrl=$SHOP_ISSUER_URL${SHOP_JWKS_URI:+ -c jwksUri=$SHOP_JWKS_URI}"
      ;;
    *) fail "unknown target '$1': localstack or aws" ;;
  esac
}

if [ "${1:-}" = "--print-context" ]; then context_for "${2:-}"; exit 0; fi
action="${1:-}"; target="${2:-}"
case "$action" in deploy|destroy|plan) ;; *) fail "usage: scripts/deploy.sh <deploy|plan|destroy> <localstack|aws>" ;; esac
# Each target synthesizes into a folder of its own: cdk.out stays the template `npm start` runs.
context="$(context_for "$target") --output cdk.out.$target"
outputs=".local/outputs-$target.json"
mkdir -p .local

node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 22 ] || echo "! Node $(node --version): Node 22 is what the functions run on; the deploy itself works from 20.11." >&2

if [ "$target" = localstack ]; then
  # cdklocal points the CDK at LocalStack; LocalStack accepts any credentials.
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
  export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_DEFAULT_REGION="${AWS_REGION:-us-east-1}"
  edge="${AWS_ENDPOINT_URL:-http://localhost:4566}"
  # cdklocal wants the S3 endpoint spelled out whenever AWS_ENDPOINT_URL is.
  if [ -n "${AWS_ENDPOINT_URL:-}" ]; then export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-$AWS_ENDPOINT_URL}"; fi
  curl -sf "$edge/_localstack/health" >/dev/null ||
    fail "LocalStack is not answering at $edge. Start it with: LOCALSTACK_AUTH_TOKEN=… docker compose -f localstack.yml up -d"
  cdk=(npx cdklocal)
else
  cdk=(npx cdk)
fi

if [ "$action" = destroy ]; then
  # shellcheck disable=SC2086
  "${cdk[@]}" destroy --force --no-notices $context
  rm -f "$outputs"
  exit 0
fi

if [ "$target" = localstack ]; then
  curl -sf "http://localhost:8080/realms/shop/.well-known/openid-configuration" >/dev/null ||
    echo "! Keycloak is not answering at http://localhost:8080 yet: the stack deploys, but logins wait for it." >&2
fi

# shellcheck disable=SC2086
"${cdk[@]}" bootstrap --no-notices $context
if [ "$action" = plan ]; then
  # shellcheck disable=SC2086
  "${cdk[@]}" deploy --no-execute --require-approval never --no-notices --no-version-reporting $context
  exit 0
fi
# shellcheck disable=SC2086
"${cdk[@]}" deploy --require-approval never --no-notices --no-version-reporting --outputs-file "$outputs" $context
echo "Outputs written to $outputs"

if [ "$target" = localstack ] || [ -n "${SHOP_SEED:-}" ]; then
  npx tsx scripts/seed-deployed.ts "$target"
fi
echo
npx tsx scripts/targets.ts "$target"
echo
echo "Run the end-to-end suite against it:  npm run test:e2e -- --target $target"
echo "                 and the Postman run:  npm run test:postman -- --target $target"
