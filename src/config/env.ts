import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { Duration } from '../domain/schemas/policy.js';
import { parseDigestSchedule } from '../domain/fourEyesDigest.js';
import { Department } from '../domain/schemas/vocabulary.js';

const port = z.coerce.number().int().min(1).max(65_535);
const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();
/** Asymmetric signatures only: a shared-secret (HS*) or unsigned token would let anyone holding it mint one. */
export const JwtAlgorithm = z.enum([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);
const algorithmList = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(JwtAlgorithm).min(1, 'name at least one algorithm'));
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable dualkey reads, in one place. README's environment table is this schema;
 * `describe()` texts are the table's last column.
 */
export const EnvSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('`production` turns off demo users'),
    HOST: z.string().min(1).default('127.0.0.1').describe('address the API binds to'),
    PORT: port.default(3000).describe('API port'),
    PUBLIC_URL: z
      .url()
      .optional()
      .describe(
        'the URL clients reach the API at (behind a proxy), printed at start; defaults to http://HOST:PORT',
      ),
    DATABASE_URL: z
      .url()
      .refine((u) => /^postgres(ql)?:/.test(u), 'must be a postgres:// or postgresql:// URL')
      .optional()
      .describe('PostgreSQL to use; unset starts an embedded PostgreSQL under the data dir'),
    DATABASE_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('connections per process'),
    EMBEDDED_POSTGRES_PORT: port.default(5433).describe('port of the embedded PostgreSQL'),
    TEMPORAL_ADDRESS: optionalText.describe(
      'host:port of an existing Temporal frontend; unset starts a dev server',
    ),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default').describe('Temporal namespace'),
    TEMPORAL_TLS: flag
      .optional()
      .describe('connect to TEMPORAL_ADDRESS over TLS (implied by an API key or a client certificate)'),
    TEMPORAL_API_KEY: optionalText.describe('API key for Temporal Cloud or another server that takes one'),
    TEMPORAL_TLS_CERT: optionalText.describe(
      'path to a client certificate (PEM) for mTLS; needs TEMPORAL_TLS_KEY',
    ),
    TEMPORAL_TLS_KEY: optionalText.describe('path to the client certificate’s private key (PEM)'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('dualkey').describe('task queue of the case workflows'),
    TEMPORAL_PORT: port.default(7233).describe('gRPC port of the dev server `npm start` runs'),
    TEMPORAL_UI_PORT: port.default(8233).describe('Web UI port of the dev server'),
    TEMPORAL_UI_URL: z
      .url()
      .optional()
      .describe('Web UI base URL for links in cases; defaults to the dev server UI'),
    TEMPORAL_CLI_PATH: optionalText.describe('path to a `temporal` CLI binary to run the dev server with'),
    DUALKEY_DATA_DIR: z
      .string()
      .min(1)
      .default('.dualkey')
      .describe('where the dev server and embedded PostgreSQL keep data'),
    DUALKEY_CACHE_DIR: z
      .string()
      .min(1)
      .default(resolve(homedir(), '.cache', 'dualkey'))
      .describe('where the Temporal CLI binary is cached, outside the repo'),
    DUALKEY_BOOTSTRAP_ADMIN_TOKEN: z
      .string()
      .min(24, 'must be at least 24 characters')
      .optional()
      .describe('makes this token an admin on start (idempotent)'),
    DUALKEY_SEED_DEMO: flag
      .optional()
      .describe(
        'seed demo users and print their tokens; default: on in development without a bootstrap token',
      ),
    OIDC_ISSUER: z
      .url()
      .optional()
      .describe('issuer of the company identity provider; set to accept its access tokens (single sign-on)'),
    OIDC_AUDIENCE: optionalText.describe(
      'audience (resource indicator) the provider puts in access tokens for this API; needed with OIDC_ISSUER',
    ),
    OIDC_JWKS_URL: z
      .url()
      .optional()
      .describe('the provider’s signing keys; defaults to `jwks_uri` of the issuer’s discovery document'),
    OIDC_ALGORITHMS: algorithmList
      .default(['RS256', 'PS256', 'ES256', 'EdDSA'])
      .describe(
        'comma-separated signature algorithms accepted (asymmetric only); default RS256,PS256,ES256,EdDSA',
      ),
    OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(300)
      .default(30)
      .describe('clock skew allowed when checking a token’s expiry and not-before'),
    OIDC_GROUPS_CLAIM: z
      .string()
      .min(1)
      .default('groups')
      .describe('access-token claim listing the person’s groups'),
    OIDC_CONSOLE_CLIENT_ID: optionalText.describe(
      'client id of the console at the provider (public client, authorization code with PKCE)',
    ),
    OIDC_SCOPES: z
      .string()
      .min(1)
      .default('openid profile')
      .describe('scopes the console asks for when it signs someone in'),
    DUALKEY_SSO_MAPPING: optionalText.describe(
      'path to the JSON or YAML file mapping provider groups to roles, business lines and departments; needed with OIDC_ISSUER',
    ),
    DUALKEY_POLICY: optionalText.describe(
      'path to a JSON or YAML policy file overriding default durations and quorums',
    ),
    DUALKEY_ENCRYPTION: z
      .enum(['on', 'off'])
      .default('on')
      .describe(
        '`off` keeps Temporal payloads in clear text (production then says so at every start); see docs/operations.md',
      ),
    DUALKEY_ENCRYPTION_KEY_FILE: optionalText.describe(
      'path to the payload codec’s JSON key file (docs/operations.md); unset in development: `DUALKEY_DATA_DIR/encryption-keys.json`, generated on first start',
    ),
    DUALKEY_ENCRYPTION_KEYS: optionalText.describe(
      'payload codec keys as `id:base64,id:base64` (32-byte AES-256 keys), added to the key file’s',
    ),
    DUALKEY_ENCRYPTION_KEY_ID: optionalText.describe(
      'id of the key new payloads are encrypted with; default the key file’s `encryptWith`, else the first inline key',
    ),
    DUALKEY_CODEC_ORIGINS: optionalText.describe(
      'browser origins (comma-separated) allowed to call `/codec` with credentials; default the Web UI’s (TEMPORAL_UI_URL or the dev server UI)',
    ),
    ACCOUNT_CONTROLS: z.enum(['postgres', 'http']).default('postgres').describe('account-controls adapter'),
    ACCOUNT_SERVICE_URL: z
      .url()
      .optional()
      .describe('base URL of the account service, for ACCOUNT_CONTROLS=http'),
    ACCOUNT_SERVICE_TOKEN: optionalText.describe('bearer token sent to the account service'),
    ACCOUNT_CONTACT_CATCH_ALL: z
      .email()
      .default('account-owner@dualkey.example')
      .describe(
        'the address the PostgreSQL account service answers `contact()` with for every account (it keeps no owners’ addresses)',
      ),
    NOTIFY_SMTP_URL: z
      .url()
      .refine((u) => /^smtps?:\/\//.test(u), 'must be an smtp:// or smtps:// URL')
      .optional()
      .describe(
        'SMTP server for e-mail notifications: `smtps://` is TLS from the start, `smtp://` upgrades with STARTTLS when offered; credentials and options go in the URL. `npm start` uses its mail catcher when unset',
      ),
    NOTIFY_EMAIL_FROM: z
      .string()
      .min(3)
      .default('dualkey risk operations <risk-ops@dualkey.example>')
      .describe('sender of notification e-mails'),
    NOTIFY_WEBHOOK_URL: z
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL')
      .optional()
      .describe('endpoint that receives every notification as a signed Standard Webhooks message'),
    NOTIFY_WEBHOOK_SECRET: z
      .string()
      .transform((list) => list.split(/[\s,]+/).filter(Boolean))
      .pipe(
        z.array(z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'each secret is "whsec_" and base64')).min(1),
      )
      .optional()
      .describe(
        'signing secret(s) of NOTIFY_WEBHOOK_URL (`whsec_…`); list two, comma-separated, while rotating',
      ),
    NOTIFY_MAX_ATTEMPTS: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(12)
      .describe(
        'tries of one delivery (backoff from 1 s doubling to 10 min) before it is given up and listed for an admin to retry',
      ),
    MAIL_CATCHER: flag
      .optional()
      .describe(
        '`npm start` runs a local mail catcher (Mailpit) and sends notification e-mail to it; default: on in development without NOTIFY_SMTP_URL',
      ),
    MAIL_CATCHER_SMTP_PORT: port.default(1025).describe('SMTP port of the local mail catcher'),
    MAIL_CATCHER_UI_PORT: port.default(8025).describe('web UI port of the local mail catcher'),
    RISK_SIGNAL_HMAC_SECRET: optionalText.describe(
      'when set, risk signals must carry a valid X-Dualkey-Signature',
    ),
    UPDATE_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(120_000)
      .default(10_000)
      .describe('how long an action waits for a worker before 503'),
    RATE_LIMIT_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(1)
      .default(600)
      .describe('requests per token per minute'),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .default(65_536)
      .describe('largest accepted request body'),
    SESSION_TTL: Duration.default(8 * 3_600_000).describe(
      'how long a console sign-in (session cookie) lasts, e.g. `8h`; sign-out and disabling the user end it sooner',
    ),
    WORKER_METRICS_PORT: port.default(9464).describe('Prometheus port of the worker (SDK runtime metrics)'),
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce
      .number()
      .int()
      .min(0)
      .refine((n) => n !== 1, 'must be 0 (no cache) or at least 2')
      .default(400)
      .describe(
        'case workflow runs a worker keeps in memory (about 0.4 MiB each, see docs/operations.md); others replay from history when next touched',
      ),
    ASSIGNMENT_SWEEP_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe(
        'how often each worker hands over the cases of people who are away and assigns new cases intake could not (0: never)',
      ),
    FOUR_EYES_DIGEST_AT: z
      .string()
      .default('mon 08:00')
      .transform((text, ctx) => {
        if (text.trim().toLowerCase() === 'off') return null;
        const schedule = parseDigestSchedule(text);
        if (!schedule)
          ctx.addIssue({ code: 'custom', message: 'a weekday and a UTC time such as "mon 08:00", or "off"' });
        return schedule ?? null;
      })
      .describe(
        'when (weekday and UTC time) the workers send the four-eyes digest of the week before; `off`: never',
      ),
    FOUR_EYES_DIGEST_LEADS: z
      .string()
      .default('risk_ops,compliance')
      .transform((list) => list.split(/[\s,]+/).filter(Boolean))
      .pipe(z.array(Department))
      .describe("departments whose lead (the routing table's `leads`) receives the weekly four-eyes digest"),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('pino log level'),
  })
  .superRefine((env, ctx) => {
    if ((env.TEMPORAL_TLS_CERT === undefined) !== (env.TEMPORAL_TLS_KEY === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_KEY'],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together',
      });
    }
    if (env.OIDC_ISSUER && !env.OIDC_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['OIDC_AUDIENCE'], message: 'required when OIDC_ISSUER is set' });
    }
    if (env.OIDC_ISSUER && !env.DUALKEY_SSO_MAPPING) {
      ctx.addIssue({
        code: 'custom',
        path: ['DUALKEY_SSO_MAPPING'],
        message: 'required when OIDC_ISSUER is set',
      });
    }
    if (env.NOTIFY_WEBHOOK_URL && !env.NOTIFY_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFY_WEBHOOK_SECRET'],
        message: 'required when NOTIFY_WEBHOOK_URL is set',
      });
    }
    if (env.ACCOUNT_CONTROLS === 'http' && !env.ACCOUNT_SERVICE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['ACCOUNT_SERVICE_URL'],
        message: 'required when ACCOUNT_CONTROLS=http',
      });
    }
  });

export type Env = z.output<typeof EnvSchema>;

/** Parses the environment once; a bad value names the variable and what was wrong with it. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const relevant = Object.fromEntries(
    Object.entries(source).filter(
      ([key, value]) => key in EnvSchema.shape && value !== undefined && value !== '',
    ),
  );
  const result = EnvSchema.safeParse(relevant);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'environment';
      const value = relevant[name];
      const shown = value === undefined || /TOKEN|SECRET|URL/.test(name) ? '' : ` (got "${value}")`;
      return `  ${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
