#!/usr/bin/env bash
# Checks the LocalStack variant of the stack against a real LocalStack, without Docker: LocalStack's
# open-source core (localstack-core, from PyPI, requirements-localstack.txt) runs on this host, and
#   - cdklocal bootstraps it and publishes the function bundles to its S3,
#   - its CloudFormation engine takes the whole stack as a change set (npm run plan:localstack),
#   - the change set must be CREATE_COMPLETE with one change per resource of the template.
# It stops there: executing the change set needs what LocalStack fetches from the internet at first
# use (its Lambda runtime, DynamoDB Local) and Docker to run functions.
#
#   scripts/check-localstack.sh [--skip-if-unavailable]
set -euo pipefail
cd "$(dirname "$0")/.."

skip_if_unavailable=false
[ "${1:-}" = "--skip-if-unavailable" ] && skip_if_unavailable=true
say() { echo "[check:localstack] $*"; }
unavailable() {
  if $skip_if_unavailable; then say "SKIPPED: $*"; exit 0; fi
  echo "✖ $*" >&2; exit 1
}

# localstack-core needs Python 3.12 or later.
python=""
for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || unavailable "no Python 3.12+ on this machine (localstack-core needs it)"

venv=.local/localstack-core
if [ ! -x "$venv/bin/python" ] || ! cmp -s requirements-localstack.txt "$venv/requirements.txt"; then
  say "installing localstack-core into $venv with $("$python" --version)…"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r requirements-localstack.txt ||
    unavailable "pip could not install requirements-localstack.txt"
  cp requirements-localstack.txt "$venv/requirements.txt"
fi

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
data="$(mktemp -d)"
log="$data/localstack.log"
GATEWAY_LISTEN="127.0.0.1:$port" LOCALSTACK_VOLUME_DIR="$data" CFN_IGNORE_UNSUPPORTED_RESOURCE_TYPES=1 \
  SERVICES=cloudformation,iam,sts,s3,ssm,lambda,logs,dynamodb,stepfunctions,sns,apigateway,cloudwatch \
  setsid "$venv/bin/python" -m localstack.runtime.main >"$log" 2>&1 &
pid=$!
trap 'kill -- -$pid 2>/dev/null || true; sleep 1; kill -9 -- -$pid 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/_localstack/health" >/dev/null && break
  kill -0 $pid 2>/dev/null || { tail -20 "$log" >&2; echo "✖ LocalStack exited" >&2; exit 1; }
  sleep 0.5
done
say "LocalStack $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("localstack-core"))') on port $port"

export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ENDPOINT_URL_S3="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
scripts/deploy.sh plan localstack

"$venv/bin/python" - <<'PY'
import json, glob, sys
import boto3
cfn = boto3.client("cloudformation")
change_set = cfn.describe_change_set(StackName="ServerlessShop", ChangeSetName="cdk-deploy-change-set")
changes = change_set["Changes"]
while change_set.get("NextToken"):
    change_set = cfn.describe_change_set(StackName="ServerlessShop", ChangeSetName="cdk-deploy-change-set", NextToken=change_set["NextToken"])
    changes += change_set["Changes"]
template = json.load(open(glob.glob("cdk.out.localstack/ServerlessShop.template.json")[0]))
expected = {k: r["Type"] for k, r in template["Resources"].items() if r["Type"] != "AWS::CDK::Metadata"}
planned = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]["ResourceType"] for c in changes}
summary = {"check": "localstack-change-set", "status": change_set["Status"], "reason": change_set.get("StatusReason"), "resources": len(expected), "planned": len(planned)}
print(json.dumps(summary))
missing = sorted(set(expected) - set(planned))
if change_set["Status"] != "CREATE_COMPLETE" or missing or any(planned[k] != t for k, t in expected.items() if k in planned):
    print("✖ LocalStack's change set differs from the template; missing: " + ", ".join(missing), file=sys.stderr)
    sys.exit(1)
PY
say "the LocalStack variant deploys as a change set of all its resources"
