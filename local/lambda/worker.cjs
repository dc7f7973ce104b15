// One Lambda execution environment, in a worker thread: loads the function's bundle once, then
// runs one invocation at a time, as Lambda does. Output is sent to the parent tagged with the
// request id, in order with the result.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

process.setSourceMapsEnabled(true);

require('../support/node-version-warning.cjs');
let currentRequestId;

for (const stream of ['stdout', 'stderr']) {
  process[stream].write = (chunk, encoding, callback) => {
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    parentPort.postMessage({ type: 'log', stream, requestId: currentRequestId, text });
    if (typeof encoding === 'function') encoding();
    else if (typeof callback === 'function') callback();
    return true;
  };
}

const shapeError = (error) => ({
  errorType: (error && error.name) || 'Error',
  errorMessage: error && error.message !== undefined ? String(error.message) : String(error),
  trace: error && typeof error.stack === 'string' ? error.stack.split('\n') : [],
});

let handler;
let initError;
try {
  // As Lambda's runtime does with NODE_OPTIONS' --require: these load first (the OpenTelemetry bootstrap,
  // which wraps the handler as it is required).
  for (const module of workerData.preload || []) require(module);
  const mod = require(workerData.entry);
  handler = mod[workerData.exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${workerData.handler} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
} catch (error) {
  initError = shapeError(error);
  if (initError.errorType === 'Error') initError.errorType = 'Runtime.ImportModuleError';
  parentPort.postMessage({ type: 'init-error', error: initError });
}
parentPort.postMessage({ type: 'ready' });

// Lambda's Shutdown phase: the SIGTERM listeners (as a runtime with an extension gets SIGTERM) finish first.
const shutdown = async () => {
  await Promise.allSettled(process.listeners('SIGTERM').map((listener) => listener('SIGTERM')));
  parentPort.postMessage({ type: 'shutdown-done' });
};

const invoke = async ({ requestId, event, deadline, traceHeader }) => {
  currentRequestId = requestId;
  // As Lambda's runtime does, the invocation's X-Ray trace header is in the environment while it runs.
  if (traceHeader) process.env._X_AMZN_TRACE_ID = traceHeader;
  else delete process.env._X_AMZN_TRACE_ID;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: workerData.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: workerData.functionArn,
    memoryLimitInMB: String(workerData.memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${workerData.functionName}`,
    logStreamName: workerData.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let message;
  try {
    if (initError) {
      parentPort.postMessage({ type: 'result', requestId, error: initError });
      return;
    }
    const result = await handler(event, context);
    // Lambda serializes the result as JSON: undefined becomes null, dates become strings.
    message = { type: 'result', requestId, payload: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
  } catch (error) {
    message = { type: 'result', requestId, error: shapeError(error) };
  }
  // REPORT's Max Memory Used: this worker's V8 heap (workers share one process's memory).
  message.memoryMb = require('node:v8').getHeapStatistics().total_heap_size / 1048576;
  parentPort.postMessage(message);
};

parentPort.on('message', (message) => (message.type === 'shutdown' ? shutdown() : invoke(message)));
