import type { Context } from '@opentelemetry/api';
import {
  AwsLambdaInstrumentation,
  type AwsLambdaInstrumentationConfig,
} from '@opentelemetry/instrumentation-aws-lambda';
import { invocationSampled } from './sampling';

/**
 * A module's exports as an object whose properties can be redefined. esbuild's CommonJS output (an ES
 * module bundled to `cjs`, as every handler here is) defines each export as a getter that cannot be
 * redefined, so wrapping the handler in place fails ("Cannot redefine property: handler", esbuild
 * issue 2199, opentelemetry-lambda issue 1781): the wrapper gets a copy with plain values instead.
 */
export const withConfigurableExports = (exports: unknown): unknown => {
  if (typeof exports !== 'object' || exports === null) return exports;
  const fixed = Object.values(Object.getOwnPropertyDescriptors(exports)).every((d) => d.configurable);
  if (fixed) return exports;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(exports)) copy[key] = (exports as Record<string, unknown>)[key];
  Object.defineProperty(copy, '__esModule', { value: true });
  return copy;
};

/**
 * instrumentation-aws-lambda for bundled handlers: the handler module's exports are made redefinable
 * (see withConfigurableExports) before the instrumentation wraps the handler; the runtime then gets
 * the copy, with the wrapped handler.
 */
export class BundledLambdaInstrumentation extends AwsLambdaInstrumentation {
  override init(): ReturnType<AwsLambdaInstrumentation['init']> {
    const definitions = super.init();
    for (const definition of definitions) {
      for (const file of definition.files) {
        const patch = file.patch.bind(file);
        file.patch = (exports: unknown, version?: string) => patch(withConfigurableExports(exports), version);
      }
    }
    return definitions;
  }
}

type Handler = (this: unknown, ...args: unknown[]) => unknown;
type GetHandler = (loadStartTime: number) => (original: Handler) => Handler;
type CreateSpan = (event: unknown, context: unknown, coldStart: boolean, parent: Context) => unknown;

/**
 * The handler, instrumented for invocations that X-Ray samples; one whose trace header says `Sampled=0`
 * runs the handler as it is. Its span would record nothing, yet the instrumentation would start it, run
 * the handler in a context that holds it, and end it; and holding a context means AsyncLocalStorage, whose
 * hooks run on every promise the handler makes while any context is entered. So such an invocation first
 * disables the context manager (`disable()`: the hooks are removed while nothing holds a context), and
 * the next sampled invocation enables it again by entering its context. Its SDK calls still carry the
 * trace to the services, in the header the SDK adds from `_X_AMZN_TRACE_ID` (see aws-sdk-sampled.ts),
 * and a span the handler starts on its own records nothing (sampling.ts). An invocation with no header,
 * or one that leaves the decision open, is instrumented. `faas.coldstart` stays true for the
 * environment's first invocation only, sampled or not.
 */
export class SampledLambdaInstrumentation extends BundledLambdaInstrumentation {
  constructor(config: AwsLambdaInstrumentationConfig, contextManager: { disable(): unknown }) {
    super(config);
    // Both methods are private to the instrumentation: they are replaced on the instance, where they are looked up.
    const self = this as unknown as { _getHandler: GetHandler; _createSpanForRequest: CreateSpan };
    const instrumented = self._getHandler.bind(this);
    const createSpan = self._createSpanForRequest.bind(this);
    let invocations = 0;
    self._createSpanForRequest = (event, context, coldStart, parent) =>
      createSpan(event, context, coldStart && invocations === 1, parent);
    self._getHandler = (loadStartTime) => (original) => {
      const traced = instrumented(loadStartTime)(original);
      const handler: Handler = function (this: unknown, ...args: unknown[]) {
        invocations++;
        if (invocationSampled() !== false) return traced.apply(this, args);
        contextManager.disable();
        return original.apply(this, args);
      };
      // A streaming handler is marked by symbols on it, which the runtime reads.
      for (const symbol of Object.getOwnPropertySymbols(traced))
        Object.defineProperty(handler, symbol, { value: (traced as unknown as Record<symbol, unknown>)[symbol] });
      return handler;
    };
  }
}
