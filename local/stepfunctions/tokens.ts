import { abortable } from './engine/abort';
import { ERRORS, type Json, StatesError } from './engine/types';
import { ServiceError } from '../support/errors';

interface Waiting {
  resolve(output: Json): void;
  reject(error: StatesError): void;
  heartbeatMs?: number;
  timer?: NodeJS.Timeout;
}

const TOKEN = /^[A-Za-z0-9_-]{1,1024}$/;

/**
 * The task tokens of `.waitForTaskToken` Tasks: each waits for SendTaskSuccess or SendTaskFailure,
 * and fails with States.HeartbeatTimeout when no SendTaskHeartbeat came within its HeartbeatSeconds.
 * The API's errors are AWS's: a token that is not one is InvalidToken, one no task waits on (ended,
 * timed out, never given) is TaskDoesNotExist.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();

  wait(token: string, heartbeatMs: number | undefined, signal: AbortSignal): Promise<Json> {
    const answer = new Promise<Json>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, heartbeatMs });
    });
    this.beat(token);
    const cleanup = () => this.close(token);
    signal.addEventListener('abort', cleanup, { once: true });
    return abortable(answer, signal).finally(() => {
      signal.removeEventListener('abort', cleanup);
      cleanup();
    });
  }

  succeed(token: string, output: string): void {
    let parsed: Json;
    try {
      parsed = JSON.parse(output) as Json;
    } catch {
      throw new ServiceError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.take(token).resolve(parsed);
  }

  fail(token: string, error = '', cause = ''): void {
    this.take(token).reject(new StatesError(error, cause));
  }

  heartbeat(token: string): void {
    this.find(token);
    this.beat(token);
  }

  private beat(token: string): void {
    const waiting = this.waiting.get(token);
    if (!waiting || waiting.heartbeatMs === undefined) return;
    clearTimeout(waiting.timer);
    waiting.timer = setTimeout(() => {
      this.close(token);
      waiting.reject(new StatesError(ERRORS.HeartbeatTimeout, ''));
    }, waiting.heartbeatMs);
  }

  private find(token: string): Waiting {
    if (!TOKEN.test(token)) throw new ServiceError('InvalidToken', 'Invalid Token');
    const waiting = this.waiting.get(token);
    if (!waiting) throw new ServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    return waiting;
  }

  private take(token: string): Waiting {
    const waiting = this.find(token);
    this.close(token);
    return waiting;
  }

  private close(token: string): void {
    clearTimeout(this.waiting.get(token)?.timer);
    this.waiting.delete(token);
  }
}
