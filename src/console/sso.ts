import * as oauth from 'oauth4webapi';
import type { components } from './generated/api';

export type SsoConfig = NonNullable<components['schemas']['AuthConfig']['sso']>;

/** What the browser keeps across the trip to the identity provider: this tab only. */
const pendingKey = 'dualkey.sso';
interface Pending {
  verifier: string;
  state: string;
  next: string;
}

export const redirectUri = () => `${location.origin}/console/sign-in`;

/** Plain HTTP only for a provider on this machine (development and tests); anywhere else, HTTPS. */
const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
const httpOptions = (issuer: URL) => ({ [oauth.allowInsecureRequests]: loopback(issuer) });

async function discover(config: SsoConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, httpOptions(issuer)));
}

function client(config: SsoConfig): oauth.Client {
  if (!config.clientId) throw new Error('single sign-on has no client id configured for the console');
  return { client_id: config.clientId };
}

/** Sends the browser to the provider: authorization code with PKCE, asking for a token for this API. */
export async function startSignIn(config: SsoConfig, next: string): Promise<void> {
  const server = await discover(config);
  if (!server.authorization_endpoint)
    throw new Error('the identity provider names no authorization endpoint');
  const pending: Pending = {
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    next,
  };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const url = new URL(server.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client(config).client_id,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scopes,
    state: pending.state,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    resource: config.resource,
  }).toString();
  location.assign(url.href);
}

/** True when this page is the provider sending the browser back to a sign-in this tab started. */
export function isReturning(search: URLSearchParams): boolean {
  return (search.has('code') || search.has('error')) && sessionStorage.getItem(pendingKey) !== null;
}

/** Trades the code for an access token; the state and the issuer are checked on the way. */
export async function finishSignIn(
  config: SsoConfig,
  callback: URL,
): Promise<{ accessToken: string; next: string }> {
  const stored = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  if (!stored) throw new Error('no sign-in was started in this tab');
  const pending = JSON.parse(stored) as Pending;
  const server = await discover(config);
  const params = oauth.validateAuthResponse(server, client(config), callback, pending.state);
  const issuer = new URL(config.issuer);
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    client(config),
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    { ...httpOptions(issuer), additionalParameters: { resource: config.resource } },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(server, client(config), response);
  return { accessToken: tokens.access_token, next: pending.next };
}
