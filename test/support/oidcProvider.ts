import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import type { SsoSettings } from '../../src/api/services/sso.js';
import type { SsoMapping } from '../../src/domain/sso.js';
import { freePort } from '../../src/runtime/ports.js';

/** The API's resource indicator: access tokens asked for it are JWTs with this audience. */
export const API_AUDIENCE = 'https://dualkey.test/api';
export const CONSOLE_CLIENT_ID = 'dualkey-console';
/** A second public client whose access tokens live a few seconds, for the expiry tests. */
export const SHORT_LIVED_CLIENT_ID = 'dualkey-short-lived';
export const SHORT_LIVED_TTL_SECONDS = 2;
/** Where the HTTP sign-in stops: the code is read off the redirect, nothing listens there. */
export const TEST_REDIRECT_URI = 'http://127.0.0.1/signed-in';

export interface TestAccount {
  name: string;
  groups: string[];
}

export interface OidcTestProvider {
  issuer: string;
  /** Test accounts by login; change `groups` and the next sign-in carries the new ones. */
  accounts: Map<string, TestAccount>;
  /** Runs the provider's real authorization-code flow with PKCE over HTTP and returns the tokens. */
  signIn(
    login: string,
    options?: { clientId?: string; resource?: string },
  ): Promise<{ accessToken: string; idToken: string }>;
  /** What the API needs to trust this provider, with the given group mapping. */
  settings(mapping: SsoMapping, overrides?: Partial<SsoSettings>): SsoSettings;
  stop(): Promise<void>;
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * A real OpenID provider (`oidc-provider`) on a free loopback port: a public console client with PKCE,
 * access tokens as JWTs for the API's resource indicator carrying the account's groups, and the
 * library's own development login and consent forms (any password).
 */
export async function startOidcProvider(
  options: { accounts?: Record<string, TestAccount>; redirectUris?: string[] } = {},
): Promise<OidcTestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map(Object.entries(options.accounts ?? {}));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: `test-${port}`, alg: 'RS256', use: 'sig' };
  const redirectUris = [TEST_REDIRECT_URI, ...(options.redirectUris ?? [])];
  const publicClient = (clientId: string) => ({
    client_id: clientId,
    token_endpoint_auth_method: 'none' as const,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code' as const],
  });

  const provider = new Provider(issuer, {
    clients: [publicClient(CONSOLE_CLIENT_ID), publicClient(SHORT_LIVED_CLIENT_ID)],
    jwks: { keys: [signingKey] },
    cookies: { keys: [base64url(randomBytes(32))] },
    scopes: ['openid', 'profile', 'api'],
    claims: { openid: ['sub'], profile: ['name'] },
    clientBasedCORS: () => true,
    ttl: {
      Interaction: 600,
      Grant: 3_600,
      Session: 3_600,
      AuthorizationCode: 60,
      IdToken: 3_600,
      // The API's resource server decides its tokens' lifetime (a few seconds for the short-lived client).
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 600,
    },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: account.name }),
      };
    },
    extraTokenClaims: (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = accounts.get(token.accountId);
      return account ? { groups: [...account.groups], name: account.name } : undefined;
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: client.clientId === SHORT_LIVED_CLIENT_ID ? SHORT_LIVED_TTL_SECONDS : 600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('[oidc]', error));
  const server: Server = await new Promise((resolve) => {
    const s = provider.listen(port, '127.0.0.1', () => resolve(s));
  });

  async function signIn(
    login: string,
    { clientId = CONSOLE_CLIENT_ID, resource = API_AUDIENCE }: { clientId?: string; resource?: string } = {},
  ) {
    const cookies = new Map<string, string>();
    const send = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair?.indexOf('=') ?? -1;
        if (pair && at > 0) cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    };
    const verifier = base64url(randomBytes(32));
    const authorize = new URL('/auth', issuer);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: TEST_REDIRECT_URI,
      response_type: 'code',
      scope: 'openid profile api',
      state: base64url(randomBytes(8)),
      code_challenge: base64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
      resource,
    }).toString();

    let response = await send(authorize.href);
    let code: string | null = null;
    for (let step = 0; step < 10 && code === null; step++) {
      const location = response.headers.get('location');
      if (location) {
        const next = new URL(location, issuer);
        if (next.href.startsWith(TEST_REDIRECT_URI)) {
          code = next.searchParams.get('code');
          if (!code) throw new Error(`sign-in refused: ${next.searchParams.get('error_description')}`);
          break;
        }
        response = await send(next.href);
        continue;
      }
      // The login form, then the consent form, as a person would submit them.
      const page = await response.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1];
      if (!action || !prompt)
        throw new Error(`sign-in stopped at a page without a form (${response.status})`);
      const fields = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
      response = await send(new URL(action.replace(/&amp;/g, '&'), issuer).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    }
    if (!code) throw new Error('sign-in did not come back with a code');

    const token = await fetch(new URL('/token', issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: TEST_REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
        resource,
      }).toString(),
    });
    const body = (await token.json()) as Record<string, unknown>;
    if (!token.ok) throw new Error(`token endpoint answered ${token.status}: ${JSON.stringify(body)}`);
    return { accessToken: String(body.access_token), idToken: String(body.id_token) };
  }

  return {
    issuer,
    accounts,
    signIn,
    settings: (mapping, overrides = {}) => ({
      issuer,
      audience: API_AUDIENCE,
      jwksUrl: undefined,
      algorithms: ['RS256'],
      clockToleranceSeconds: 0,
      groupsClaim: 'groups',
      consoleClientId: CONSOLE_CLIENT_ID,
      scopes: 'openid profile api',
      mapping,
      ...overrides,
    }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
