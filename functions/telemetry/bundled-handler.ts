import { AwsLambdaInstrumentation } from '@opentelemetry/instrumentation-aws-lambda';

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
