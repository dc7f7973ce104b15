import type { ComponentChildren } from 'preact';
import { describeError } from '../aws';
import { prettyJson } from './format';

/** An execution's or alarm's status as a coloured badge. */
export const StatusBadge = ({ status }: { status: string | undefined }) => (
  <span class={`badge badge-${(status ?? 'unknown').toLowerCase().replace(/_/g, '-')}`} data-status={status}>
    {(status ?? 'UNKNOWN').replace(/_/g, ' ')}
  </span>
);

export const JsonBlock = ({ text, label }: { text: string | undefined; label: string }) => (
  <pre class="json" aria-label={label}>
    {text === undefined ? '–' : prettyJson(text)}
  </pre>
);

export const ErrorNote = ({ error }: { error: unknown }) =>
  error === undefined ? null : (
    <p class="error" role="alert">
      {describeError(error)}
    </p>
  );

export const Panel = ({
  title,
  actions,
  children,
  label,
}: {
  title: ComponentChildren;
  actions?: ComponentChildren;
  children: ComponentChildren;
  label?: string;
}) => (
  <section class="panel" aria-label={label ?? (typeof title === 'string' ? title : undefined)}>
    <header class="panel-head">
      <h2>{title}</h2>
      {actions && <div class="panel-actions">{actions}</div>}
    </header>
    <div class="panel-body">{children}</div>
  </section>
);

/** A list of label/value pairs, as the AWS console's details panels. */
export const Details = ({ items }: { items: [string, ComponentChildren][] }) => (
  <dl class="details">
    {items.map(([label, value]) => (
      <div key={label}>
        <dt>{label}</dt>
        <dd>{value ?? '–'}</dd>
      </div>
    ))}
  </dl>
);
