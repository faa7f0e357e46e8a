import { z } from 'zod';
import type {
  AccountControls,
  ApplyControl,
  Control,
  ControlChange,
  ControlRef,
  ControlSnapshot,
} from '../../domain/controls.js';
import { Control as ControlSchema } from '../../domain/schemas/controls.js';
import { DomainError } from '../../domain/errors.js';

const Items = z.object({ items: z.array(ControlSchema) });

/**
 * For exchanges whose account service already owns restrictions and bindings. The contract it expects
 * is in docs/account-service.md; every mutating call carries an Idempotency-Key.
 */
export class HttpAccountControls implements AccountControls {
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

  async get(ids: readonly string[]): Promise<Control[]> {
    if (ids.length === 0) return [];
    const query = new URLSearchParams({ ids: ids.join(',') });
    return (await this.call('GET', `controls?${query.toString()}`, Items)).items;
  }

  async changedSince(refs: readonly ControlRef[]): Promise<ControlChange[]> {
    const current = new Map((await this.get(refs.map((r) => r.id))).map((c) => [c.id, c]));
    return refs.flatMap((ref) => {
      const control = current.get(ref.id);
      if (control && control.status === 'active' && control.version === ref.version) return [];
      return [
        {
          id: ref.id,
          expectedVersion: ref.version,
          actual: control ? { status: control.status, version: control.version } : null,
        },
      ];
    });
  }

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

  async lift(input: {
    idempotencyKey: string;
    controls: readonly ControlRef[];
    actor: string;
    caseId: string;
  }): Promise<ControlSnapshot[]> {
    const { idempotencyKey, ...body } = input;
    return (await this.call('POST', 'controls/lift', Items, body, idempotencyKey, true)).items;
  }

  async reapply(input: {
    idempotencyKey: string;
    snapshots: readonly ControlSnapshot[];
    actor: string;
    caseId: string;
  }): Promise<Control[]> {
    const { idempotencyKey, ...body } = input;
    return (await this.call('POST', 'controls/reapply', Items, body, idempotencyKey)).items;
  }
}
