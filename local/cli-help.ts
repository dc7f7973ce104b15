// `npm start -- --help`: every flag of the local cloud, with its environment variable and default.

export const HELP = `Serverless Shop — the embedded local cloud

Usage: npm start -- [options]

  --port <n>          API port                  (env SHOP_API_PORT, default 3000)
  --edge-port <n>     AWS edge port             (env SHOP_EDGE_PORT, default 4566)
  --issuer-port <n>   OIDC issuer port          (env SHOP_ISSUER_PORT, default 8080)
  --web-port <n>      shop page and console     (env SHOP_WEB_PORT, default 8000)
  --issuer-url <url>  trust this issuer instead of starting one: a Keycloak that imported
                      keycloak/realm-shop.json, e.g. http://localhost:8180/realms/shop
  --host <addr>       interface to listen on    (env SHOP_HOST, default 127.0.0.1)
  --data-dir <dir>    where data persists       (env SHOP_DATA_DIR, default .local)
  --in-memory         keep nothing on disk (tests)
  --no-authorizers    do not run the API's authorizers, as LocalStack's free tier: the
                      handlers verify the bearer tokens themselves
  --no-seed           do not seed the demo data
  --no-synth          run the existing template even if the sources are newer
  --synth             synthesize the stack even if the template is current
  --no-watch          do not watch the sources: by default a change under functions/ is rebuilt
                      and served at the next invocation, a change under statemachines/ is
                      synthesized and applied as UpdateStateMachine, and one under stacks/ is
                      synthesized and the cloud restarts in place with it
  --retry-interval-scale <x>
                      multiply the state machines' Retry intervals (env SHOP_RETRY_INTERVAL_SCALE,
                      default 1); 0.01 makes a 60 s backoff 0.6 s, for soak tests and demos
  --no-tracing        no traces: the functions load no OpenTelemetry and get no trace header, and
                      no service emits spans or adds a header (a caller's passes through them)
  --trace-sampling <rate>
                      every sampling rule's fixed rate, 0 to 1 (env SHOP_TRACE_SAMPLING): by
                      default X-Ray's rules trace the first request each second (the first order
                      too) and 5% of the rest; 1 traces every request (or aws xray
                      update-sampling-rule, kept with the data)
  --otlp-endpoint <url>   forward every span to an OTLP/HTTP receiver (env SHOP_OTLP_ENDPOINT)
  --zipkin-endpoint <url> forward every span to Zipkin, http://localhost:9411/api/v2/spans (env SHOP_ZIPKIN_ENDPOINT)
  --alert-webhook <url>
                      POST each alarm state change there as a Slack incoming-webhook body
                      (env SHOP_ALERT_WEBHOOK), with links to the console
  --verbose           also print EMF metric lines
  -h, --help          this help

A port of 0 picks a free one.`;
