import { z } from 'zod';
import type {
  AccountContact,
  AccountContacts,
  AccountControls,
  ApplyControl,
  Control,
  LiftControls,
  ReapplyControls,
} from '../../domain/controls.js';
import { changedSince } from '../../domain/controls.js';
import { Control as ControlSchema } from '../../domain/schemas/controls.js';
import { DomainError } from '../../domain/errors.js';

const Items = z.object({ items: z.array(ControlSchema) });
const Contact = z.object({ email: z.email().nullable() });

/**
 * For exchanges whose account service already owns restrictions and bindings. The contract it expects
 * is in docs/account-service.md; every mutating call carries an Idempotency-Key.
 */
export class HttpAccountControls implements AccountControls, AccountContacts {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * One request. Only a lift can be refused for business reasons (409: the controls changed); anything
   * else that is not 2xx, or no answer at all, is the service being unavailable, which callers retry —
   * a compensation must never give up because the account service said no.
   */
  private async call<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
    key?: string,
    refusable = false,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (key) headers['idempotency-key'] = key;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DomainError(
        'unavailable',
        `the account service did not answer ${method} ${path}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (refusable && response.status === 409) {
      throw new DomainError('controls_changed', `account service refused: ${text.slice(0, 500)}`);
    }
    if (!response.ok) {
      throw new DomainError(
        'unavailable',
        `the account service answered ${method} ${path} with ${response.status}: ${text.slice(0, 500)}`,
      );
    }
    return schema.parse(JSON.parse(text));
  }

  async list(accountId: string): Promise<Control[]> {
    return (await this.call('GET', `accounts/${encodeURIComponent(accountId)}/controls`, Items)).items;
  }

  /** The owner's address as the account service has it now; dualkey never stores it. */
  async contact(accountId: string): Promise<AccountContact> {
    return this.call('GET', `accounts/${encodeURIComponent(accountId)}/contact`, Contact);
  }

  async get(ids: readonly string[]): Promise<Control[]> {
    if (ids.length === 0) return [];
    const query = new URLSearchParams({ ids: ids.join(',') });
    return (await this.call('GET', `controls?${query.toString()}`, Items)).items;
  }

  changedSince: AccountControls['changedSince'] = (refs) => changedSince(this, refs);

  async apply(input: ApplyControl): Promise<Control> {
    const { idempotencyKey, accountId, ...body } = input;
    return this.call(
      'POST',
      `accounts/${encodeURIComponent(accountId)}/controls`,
      ControlSchema,
      body,
      idempotencyKey,
    );
  }

  async lift(input: LiftControls): Promise<Control[]> {
    return this.send('controls/lift', input, true);
  }

  async reapply(input: ReapplyControls): Promise<Control[]> {
    return this.send('controls/reapply', input);
  }

  /** A change to several controls at once, all or none, under the caller's idempotency key. */
  private async send(
    path: string,
    { idempotencyKey, ...body }: { idempotencyKey: string },
    refusable = false,
  ): Promise<Control[]> {
    return (await this.call('POST', path, Items, body, idempotencyKey, refusable)).items;
  }
}
