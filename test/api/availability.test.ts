import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHarness } from '../support/api.js';
import { startApi } from '../support/api.js';
import { expectProblem } from '../support/openapi.js';

let api: ApiHarness;
let token: string;

beforeAll(async () => {
  api = await startApi();
  token = (await api.user(['agent'], { businessLines: ['spot'] })).token;
});
afterAll(async () => api?.stop());

const put = (body: unknown) => api.call('PUT', '/v1/me/availability', { token, body });

describe('PUT /v1/me/availability', () => {
  it('a user says until when they are away, GET /v1/me shows it, and null brings them back', async () => {
    const fresh = await api.call('GET', '/v1/me', { token });
    expect(fresh.status).toBe(200);
    expect(fresh.body.awayUntil).toBeNull();

    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const away = await put({ awayUntil: until });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    expect(away.body.awayUntil).toBe(until);
    expect((await api.call('GET', '/v1/me', { token })).body.awayUntil).toBe(until);

    const back = await put({ awayUntil: null });
    expect(back.status).toBe(200);
    expect(back.body.awayUntil).toBeNull();
    expect((await api.call('GET', '/v1/me', { token })).body.awayUntil).toBeNull();
  });

  it('an offset is kept as the same instant', async () => {
    const answer = await put({ awayUntil: '2099-01-02T09:00:00+02:00' });
    expect(answer.status).toBe(200);
    expect(answer.body.awayUntil).toBe('2099-01-02T07:00:00.000Z');
  });

  it('refuses a time that has passed, one that is no time, a missing field and unknown fields', async () => {
    const past = await put({ awayUntil: '2020-01-01T00:00:00Z' });
    expectProblem(past, 400, 'validation_failed');
    expect(past.body.errors).toEqual([{ path: 'awayUntil', message: 'must be in the future' }]);
    expectProblem(await put({ awayUntil: 'next week' }), 400, 'validation_failed');
    expectProblem(await put({}), 400, 'validation_failed');
    expectProblem(await put({ awayUntil: null, reason: 'holiday' }), 400, 'validation_failed');
  });

  it('needs a valid token', async () => {
    const answer = await api.call('PUT', '/v1/me/availability', { body: { awayUntil: null } });
    expectProblem(answer, 401, 'unauthenticated');
  });
});
