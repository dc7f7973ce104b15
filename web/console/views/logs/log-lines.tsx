import { formatTime, prettyJson } from '../../components/format';
import { levelOf, type LogLine } from '../../model/logs';

/** Log events as CloudWatch's console lists them: time, (stream), message; a JSON line pretty on demand. */
export const LogLines = ({ lines, showStream = false }: { lines: readonly LogLine[]; showStream?: boolean }) =>
  lines.length === 0 ? (
    <p class="muted">No log events.</p>
  ) : (
    <table class="log-lines" aria-label="Log events">
      <thead>
        <tr>
          <th>Time</th>
          {showStream && <th>Stream</th>}
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.eventId} data-level={levelOf(line.message)}>
            <td class="log-time">{formatTime(line.timestamp)}</td>
            {showStream && (
              <td class="log-stream" title={line.logStreamName}>
                {line.logStreamName?.split(']').at(-1)?.slice(0, 8)}
              </td>
            )}
            <td>
              {line.message.startsWith('{') ? (
                <details>
                  <summary>
                    <code>{line.message}</code>
                  </summary>
                  <pre>{prettyJson(line.message)}</pre>
                </details>
              ) : (
                <pre class="log-message">{line.message}</pre>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
