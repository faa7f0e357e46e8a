import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';
import { temporalConnectionOptions } from '../../src/runtime/wiring.js';

describe('connecting to a Temporal frontend', () => {
  it('is plain gRPC by default', () => {
    expect(temporalConnectionOptions(parseEnv({}), 'temporal:7233')).toEqual({
      address: 'temporal:7233',
      tls: false,
    });
  });

  it('an API key (Temporal Cloud) implies TLS', () => {
    const env = parseEnv({ TEMPORAL_API_KEY: 'key-123' });
    expect(temporalConnectionOptions(env, 'ns.tmprl.cloud:7233')).toEqual({
      address: 'ns.tmprl.cloud:7233',
      tls: true,
      apiKey: 'key-123',
    });
  });

  it('TEMPORAL_TLS alone turns TLS on', () => {
    expect(temporalConnectionOptions(parseEnv({ TEMPORAL_TLS: 'true' }), 'a:1').tls).toBe(true);
  });

  it('a client certificate and key are read for mTLS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dualkey-tls-'));
    try {
      await writeFile(join(dir, 'c.pem'), 'CERT');
      await writeFile(join(dir, 'k.pem'), 'KEY');
      const env = parseEnv({ TEMPORAL_TLS_CERT: join(dir, 'c.pem'), TEMPORAL_TLS_KEY: join(dir, 'k.pem') });
      const { tls } = temporalConnectionOptions(env, 'a:1');
      expect(tls).toMatchObject({ clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a certificate without its key is a configuration error', () => {
    expect(() => parseEnv({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(ConfigError);
    expect(() => parseEnv({ TEMPORAL_TLS_CERT: '/x.pem' })).toThrow(
      /TEMPORAL_TLS_KEY: TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together/,
    );
  });
});
