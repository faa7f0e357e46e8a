import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema, parseEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/errors.js';

/** The message parseEnv throws for `source`; fails the test if it does not throw a ConfigError. */
function configErrorFor(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but the environment parsed');
}

describe('parseEnv: defaults', () => {
  it('an empty environment gives every default', () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      DATABASE_POOL_SIZE: 10,
      EMBEDDED_POSTGRES_PORT: 5433,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'dualkey',
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      DUALKEY_DATA_DIR: '.dualkey',
      DUALKEY_CACHE_DIR: resolve(homedir(), '.cache', 'dualkey'),
      DUALKEY_ENCRYPTION: 'on',
      ACCOUNT_CONTROLS: 'postgres',
      ACCOUNT_CONTACT_CATCH_ALL: 'account-owner@dualkey.example',
      NOTIFY_EMAIL_FROM: 'dualkey risk operations <risk-ops@dualkey.example>',
      NOTIFY_MAX_ATTEMPTS: 12,
      MAIL_CATCHER_SMTP_PORT: 1025,
      MAIL_CATCHER_UI_PORT: 8025,
      UPDATE_TIMEOUT_MS: 10_000,
      RATE_LIMIT_PER_MINUTE: 600,
      BODY_LIMIT_BYTES: 65_536,
      SESSION_TTL: 8 * 3_600_000,
      WORKER_METRICS_PORT: 9464,
      WORKER_MAX_CACHED_WORKFLOWS: 400,
      ASSIGNMENT_SWEEP_MS: 60_000,
      FOUR_EYES_DIGEST_AT: { weekday: 1, minute: 480 },
      FOUR_EYES_DIGEST_LEADS: ['risk_ops', 'compliance'],
      LOG_LEVEL: 'info',
      OIDC_ALGORITHMS: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      OIDC_CLOCK_TOLERANCE_SECONDS: 30,
      OIDC_GROUPS_CLAIM: 'groups',
      OIDC_SCOPES: 'openid profile',
    });
  });

  it('leaves optional settings unset when absent', () => {
    const env = parseEnv({});
    for (const key of [
      'PUBLIC_URL',
      'DATABASE_URL',
      'TEMPORAL_ADDRESS',
      'TEMPORAL_UI_URL',
      'TEMPORAL_CLI_PATH',
      'DUALKEY_BOOTSTRAP_ADMIN_TOKEN',
      'DUALKEY_SEED_DEMO',
      'DUALKEY_POLICY',
      'ACCOUNT_SERVICE_URL',
      'ACCOUNT_SERVICE_TOKEN',
      'RISK_SIGNAL_HMAC_SECRET',
    ] as const) {
      expect(env[key]).toBeUndefined();
    }
  });

  it('treats an empty variable as unset, so it takes the default', () => {
    expect(parseEnv({ PORT: '', LOG_LEVEL: '', DATABASE_URL: '' })).toMatchObject({
      PORT: 3000,
      LOG_LEVEL: 'info',
    });
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('ignores variables it does not know', () => {
    const env = parseEnv({ PATH: '/usr/bin', HOME: '/root', PORT: '4000' });
    expect(env.PORT).toBe(4000);
    expect(Object.keys(env)).not.toContain('PATH');
  });

  it('every variable has a description for the README table', () => {
    for (const [name, schema] of Object.entries(EnvSchema.shape)) {
      expect(schema.description, name).toBeTruthy();
    }
  });
});

describe('parseEnv: coercion and accepted values', () => {
  it.each([
    ['8080', 8080],
    ['1', 1],
    ['65535', 65_535],
    [' 3001 ', 3001],
  ])('PORT "%s" is the number %i', (text, port) => {
    expect(parseEnv({ PORT: text }).PORT).toBe(port);
  });

  it('coerces every numeric setting', () => {
    expect(
      parseEnv({
        DATABASE_POOL_SIZE: '25',
        EMBEDDED_POSTGRES_PORT: '6543',
        TEMPORAL_PORT: '17233',
        TEMPORAL_UI_PORT: '18233',
        UPDATE_TIMEOUT_MS: '500',
        RATE_LIMIT_PER_MINUTE: '5',
        BODY_LIMIT_BYTES: '2048',
        WORKER_METRICS_PORT: '19464',
        WORKER_MAX_CACHED_WORKFLOWS: '2000',
      }),
    ).toMatchObject({
      DATABASE_POOL_SIZE: 25,
      EMBEDDED_POSTGRES_PORT: 6543,
      TEMPORAL_PORT: 17_233,
      TEMPORAL_UI_PORT: 18_233,
      UPDATE_TIMEOUT_MS: 500,
      RATE_LIMIT_PER_MINUTE: 5,
      BODY_LIMIT_BYTES: 2048,
      WORKER_METRICS_PORT: 19_464,
      WORKER_MAX_CACHED_WORKFLOWS: 2000,
    });
  });

  it('reads SESSION_TTL as a duration', () => {
    expect(parseEnv({ SESSION_TTL: '30m' }).SESSION_TTL).toBe(30 * 60_000);
  });

  it.each([
    ['0', 0],
    ['2', 2],
  ])('accepts WORKER_MAX_CACHED_WORKFLOWS %s', (text, value) => {
    expect(parseEnv({ WORKER_MAX_CACHED_WORKFLOWS: text }).WORKER_MAX_CACHED_WORKFLOWS).toBe(value);
  });

  it.each(['1', '-5', 'many'])('refuses WORKER_MAX_CACHED_WORKFLOWS %s', (text) => {
    expect(() => parseEnv({ WORKER_MAX_CACHED_WORKFLOWS: text })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it.each([['postgres://dualkey:secret@db:5432/dualkey'], ['postgresql://localhost/dualkey']])(
    'accepts DATABASE_URL %s',
    (url) => {
      expect(parseEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    },
  );

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('DUALKEY_SEED_DEMO "%s" is %s', (text, value) => {
    expect(parseEnv({ DUALKEY_SEED_DEMO: text }).DUALKEY_SEED_DEMO).toBe(value);
  });

  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts LOG_LEVEL %s', (level) => {
    expect(parseEnv({ LOG_LEVEL: level }).LOG_LEVEL).toBe(level);
  });

  it('trims optional text and treats blank text as unset', () => {
    expect(parseEnv({ TEMPORAL_ADDRESS: '  temporal:7233  ' }).TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(parseEnv({ TEMPORAL_ADDRESS: '   ' }).TEMPORAL_ADDRESS).toBeUndefined();
  });

  it('ACCOUNT_CONTROLS=http with ACCOUNT_SERVICE_URL is accepted', () => {
    expect(
      parseEnv({ ACCOUNT_CONTROLS: 'http', ACCOUNT_SERVICE_URL: 'https://accounts.internal/api' }),
    ).toMatchObject({ ACCOUNT_CONTROLS: 'http', ACCOUNT_SERVICE_URL: 'https://accounts.internal/api' });
  });
});

describe('parseEnv: a bad value names the variable', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['PORT', '-1'],
    ['TEMPORAL_PORT', 'seven'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_POOL_SIZE', '101'],
    ['UPDATE_TIMEOUT_MS', '99'],
    ['BODY_LIMIT_BYTES', '1023'],
    ['SESSION_TTL', 'forever'],
    ['LOG_LEVEL', 'verbose'],
    ['LOG_LEVEL', 'INFO'],
    ['NODE_ENV', 'staging'],
    ['ACCOUNT_CONTROLS', 'mysql'],
    ['DUALKEY_SEED_DEMO', 'maybe'],
  ])('%s="%s" throws a ConfigError naming it and the value', (name, value) => {
    const message = configErrorFor({ [name]: value });
    expect(message).toMatch(/^invalid configuration:\n/);
    expect(message).toContain(`  ${name}: `);
    expect(message).toContain(`(got "${value}")`);
  });

  it.each([
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://db/dualkey'],
    ['PUBLIC_URL', 'example'],
    ['TEMPORAL_UI_URL', '::'],
    ['ACCOUNT_SERVICE_URL', 'accounts'],
  ])('%s="%s" throws a ConfigError naming it', (name, value) => {
    const message = configErrorFor({ [name]: value });
    expect(message).toContain(`  ${name}: `);
  });

  it('a DATABASE_URL that is not PostgreSQL says what it must be', () => {
    expect(configErrorFor({ DATABASE_URL: 'mysql://db/dualkey' })).toContain(
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
    );
  });

  it('every bad variable is reported at once', () => {
    const message = configErrorFor({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'nope' });
    expect(message).toContain('  PORT: ');
    expect(message).toContain('  LOG_LEVEL: ');
    expect(message).toContain('  DATABASE_URL: ');
  });

  it('a ConfigError is an Error with its own name', () => {
    try {
      parseEnv({ PORT: 'abc' });
      expect.unreachable('PORT=abc should not parse');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toBeInstanceOf(Error);
      expect((error as ConfigError).name).toBe('ConfigError');
    }
  });
});

describe('parseEnv: cross-field rules', () => {
  it('ACCOUNT_CONTROLS=http requires ACCOUNT_SERVICE_URL', () => {
    expect(configErrorFor({ ACCOUNT_CONTROLS: 'http' })).toContain(
      'ACCOUNT_SERVICE_URL: required when ACCOUNT_CONTROLS=http',
    );
  });

  it('ACCOUNT_CONTROLS=postgres does not need ACCOUNT_SERVICE_URL', () => {
    expect(parseEnv({ ACCOUNT_CONTROLS: 'postgres' }).ACCOUNT_CONTROLS).toBe('postgres');
  });
});

describe('parseEnv: single sign-on', () => {
  const sso = {
    OIDC_ISSUER: 'https://login.example.com/',
    OIDC_AUDIENCE: 'https://dualkey.example.com/api',
    DUALKEY_SSO_MAPPING: '/etc/dualkey/sso.yaml',
  };

  it('an issuer with its audience and mapping file is accepted', () => {
    expect(
      parseEnv({ ...sso, OIDC_ALGORITHMS: 'ES256, EdDSA', OIDC_CLOCK_TOLERANCE_SECONDS: '5' }),
    ).toMatchObject({
      ...sso,
      OIDC_ALGORITHMS: ['ES256', 'EdDSA'],
      OIDC_CLOCK_TOLERANCE_SECONDS: 5,
    });
  });

  it.each(['OIDC_AUDIENCE', 'DUALKEY_SSO_MAPPING'] as const)('OIDC_ISSUER requires %s', (name) => {
    expect(() => parseEnv({ ...sso, [name]: undefined })).toThrow(
      `${name}: required when OIDC_ISSUER is set`,
    );
  });

  it.each(['HS256', 'none', 'RS256,HS512'])(
    'refuses the algorithm list %s: asymmetric signatures only',
    (list) => {
      expect(() => parseEnv({ ...sso, OIDC_ALGORITHMS: list })).toThrow(/OIDC_ALGORITHMS/);
    },
  );

  it('refuses a clock tolerance beyond five minutes', () => {
    expect(() => parseEnv({ ...sso, OIDC_CLOCK_TOLERANCE_SECONDS: '301' })).toThrow(
      /OIDC_CLOCK_TOLERANCE_SECONDS/,
    );
  });
});

describe('parseEnv: secrets are never echoed', () => {
  it('a too-short bootstrap token is reported without its value', () => {
    const token = 'short-secret-token';
    const message = configErrorFor({ DUALKEY_BOOTSTRAP_ADMIN_TOKEN: token });
    expect(message).toContain('DUALKEY_BOOTSTRAP_ADMIN_TOKEN: must be at least 24 characters');
    expect(message).not.toContain(token);
  });

  it('a bad DATABASE_URL is reported without its value, which may carry a password', () => {
    const url = 'mysql://dualkey:hunter2-password@db/dualkey';
    const message = configErrorFor({ DATABASE_URL: url });
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain(url);
  });

  it.each(['PUBLIC_URL', 'TEMPORAL_UI_URL', 'ACCOUNT_SERVICE_URL'])(
    'a bad %s is reported without its value',
    (name) => {
      const value = 'not-a-url-with-s3cr3t';
      const message = configErrorFor({ [name]: value });
      expect(message).toContain(name);
      expect(message).not.toContain('s3cr3t');
    },
  );

  it('secrets set next to a bad variable do not leak into the message', () => {
    const message = configErrorFor({
      PORT: 'abc',
      ACCOUNT_SERVICE_TOKEN: 'tok-s3cr3t-account',
      RISK_SIGNAL_HMAC_SECRET: 'hmac-s3cr3t',
      DUALKEY_BOOTSTRAP_ADMIN_TOKEN: 'a-bootstrap-token-that-is-long-enough-s3cr3t',
      DATABASE_URL: 'postgres://u:pw-s3cr3t@db/dualkey',
    });
    expect(message).toContain('PORT');
    expect(message).not.toContain('s3cr3t');
  });

  it('a valid token is kept as given', () => {
    const token = 'a'.repeat(24);
    expect(parseEnv({ DUALKEY_BOOTSTRAP_ADMIN_TOKEN: token }).DUALKEY_BOOTSTRAP_ADMIN_TOKEN).toBe(token);
  });
});
