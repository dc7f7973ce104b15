import type { Span, TraceSink } from '../../local/xray/spans';

/** A sink that keeps what it is given, for tests to read the spans the services emitted. */
export class TraceRecorder implements TraceSink {
  readonly spans: Span[] = [];

  record(spans: readonly Span[]): void {
    this.spans.push(...spans);
  }

  named(name: string): Span[] {
    return this.spans.filter((span) => span.name === name);
  }

  /** The one span of that name (the test fails when there are none or several). */
  one(name: string): Span {
    const found = this.named(name);
    if (found.length !== 1)
      throw new Error(`${found.length} spans named ${name}: ${this.spans.map((s) => s.name).join(', ')}`);
    return found[0]!;
  }

  childrenOf(span: Span): Span[] {
    return this.spans.filter((child) => child.parentSpanId === span.spanId);
  }
}
