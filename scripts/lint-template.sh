#!/usr/bin/env bash
# Lints every synthesized template with cfn-lint, AWS's CloudFormation linter: no errors, no warnings
# beyond those .cfnlintrc.yaml explains.
set -euo pipefail
cd "$(dirname "$0")/.."

cfn_lint=cfn-lint
[ -x .local/python/bin/cfn-lint ] && cfn_lint=.local/python/bin/cfn-lint
if ! command -v "$cfn_lint" >/dev/null 2>&1; then
  echo "cfn-lint is not installed. Install it with:" >&2
  echo "  python3 -m venv .local/python && .local/python/bin/pip install -r requirements-dev.txt" >&2
  exit 1
fi

# Both variants: as deployed to AWS, and as deployed to LocalStack (EMF bridge on, JWKS on the compose network).
npm run --silent synth
npm run --silent synth -- --output cdk.out.localstack $(scripts/deploy.sh --print-context localstack)
"$cfn_lint" --version
"$cfn_lint" cdk.out/*.template.json cdk.out.localstack/*.template.json
echo "cfn-lint: no findings"
