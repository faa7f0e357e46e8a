import { isDeepStrictEqual } from 'node:util';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Keyed {
  method: string;
  path: string;
  token: string;
  body: unknown;
  key: string;
  first: Answer;
}

function detailOf(body: Record<string, unknown>): string {
  return typeof body.detail === 'string' ? body.detail : JSON.stringify(body);
}

/**
 * An HTTP client over the API replicas that behaves as API.md asks: on 503, a dropped connection or a
 * key still being processed it retries the same request under the same Idempotency-Key, on another
 * replica, with backoff; every answer is counted. Bounded per request in attempts and time.
 */
export class DrillClient {
  readonly statuses = new Map<number, number>();
  readonly serverErrors: string[] = [];
  readonly keyed: Keyed[] = [];
  connectionErrors = 0;
  retriedRequests = 0;
  /** 409s for a key whose earlier attempt is still marked in progress (until its lease passes). */
  inProgressAnswers = 0;
  private next = 0;

  constructor(
    private readonly urls: string[],
    private readonly requestLimitMs: number,
    private readonly maxAttempts = 500,
  ) {}

  private count(status: number, method: string, path: string, body: Record<string, unknown>) {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500 && status !== 503) {
      this.serverErrors.push(`${status} ${method} ${path}: ${detailOf(body)}`);
    }
  }

  private async once(method: string, path: string, token: string, body: unknown, key?: string) {
    const url = this.urls[this.next++ % this.urls.length];
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    this.count(response.status, method, path, parsed);
    return { status: response.status, body: parsed };
  }

  /** Sends until an answer that is not "try again"; throws when the bound runs out. */
  async send(method: string, path: string, token: string, body?: unknown, key?: string): Promise<Answer> {
    const deadline = Date.now() + this.requestLimitMs;
    let delay = 200;
    let last = '';
    for (let attempt = 1; attempt <= this.maxAttempts && Date.now() < deadline; attempt++) {
      if (attempt === 2) this.retriedRequests++;
      try {
        const answer = await this.once(method, path, token, body, key);
        const inProgress = answer.status === 409 && answer.body.code === 'idempotency_in_progress';
        if (inProgress) this.inProgressAnswers++;
        if (answer.status !== 503 && !inProgress) {
          if (key) this.keyed.push({ method, path, token, body, key, first: answer });
          return answer;
        }
        last = `${answer.status} ${detailOf(answer.body)}`;
      } catch (error) {
        this.connectionErrors++;
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 1.5, 2_000);
    }
    throw new Error(`${method} ${path} got no answer within its bound (last: ${last})`);
  }

  /**
   * Sends every keyed request once more: each must be answered with what its key answered first. Returns
   * the ones that were not.
   */
  async replayAll(): Promise<string[]> {
    const mismatches: string[] = [];
    const sentBefore = this.keyed.length;
    for (const sent of this.keyed.slice(0, sentBefore)) {
      const again = await this.send(sent.method, sent.path, sent.token, sent.body, sent.key);
      if (again.status !== sent.first.status || !isDeepStrictEqual(again.body, sent.first.body)) {
        mismatches.push(
          `${sent.method} ${sent.path} (key ${sent.key}): first ${sent.first.status}, again ${again.status}`,
        );
      }
    }
    this.keyed.length = sentBefore;
    return mismatches;
  }
}
