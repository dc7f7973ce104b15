'use strict';
// The deployed runtime is Node 22. The AWS SDK's notice that it will soon need Node 22 concerns the
// machine the local cloud runs on, not the functions: it is turned off with the SDK's own switch
// (inherited by the Lambda workers), and dropped if it is emitted anyway. Other warnings are kept.
// Loaded first by the CLI and the scripts, and by every Lambda worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const emitWarning = process.emitWarning.bind(process);
const isNodeVersionNotice = (warning, type) =>
  type === 'NodeVersionSupportWarning' ||
  (warning && warning.name === 'NodeVersionSupportWarning') ||
  String(warning).startsWith('NodeVersionSupportWarning');
process.emitWarning = (warning, ...rest) => {
  if (isNodeVersionNotice(warning, typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type)) return;
  emitWarning(warning, ...rest);
};

// oidc-provider (the embedded issuer) says the same of Node 20 when it loads: "Unsupported runtime.
// Use Node.js v22.x LTS". It concerns this machine, like the SDK's notice above, and nothing else of
// oidc-provider's output is dropped.
const warn = console.warn.bind(console);
console.warn = (first, ...rest) => {
  if (typeof first === 'string' && /^(\x1b\[[0-9;]*m)?oidc-provider WARNING: Unsupported runtime\./.test(first)) return;
  warn(first, ...rest);
};
