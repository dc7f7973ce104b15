import type { ComponentChildren } from 'preact';

/** A message to the buyer: errors are alerts (read out at once), the rest polite status updates. */
export const Alert = ({
  tone,
  children,
  title,
}: {
  tone: 'error' | 'info' | 'success' | 'warning';
  children: ComponentChildren;
  title?: string;
}) => (
  <div class={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
    {title && <strong class="alert-title">{title}</strong>}
    <div>{children}</div>
  </div>
);
