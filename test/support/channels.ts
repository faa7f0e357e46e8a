import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { freePort } from '../../src/runtime/ports.js';

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  messageId: string;
  kind: string;
  /** When it arrived (epoch ms), for the benchmark's delivery latency. */
  at: number;
}

/**
 * A real SMTP server in the test process (smtp-server), each message parsed with mailparser. `down()`
 * closes the port as an outage would; `up()` listens on the same port again.
 */
export async function startMailServer(): Promise<{
  url: string;
  mails: ReceivedMail[];
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            const to = [parsed.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
            mails.push({
              to,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : null,
              messageId: parsed.messageId ?? '',
              kind: headerText(parsed.headers.get('x-dualkey-kind')),
              at: Date.now(),
            });
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
  let server: SMTPServer | undefined;
  const up = async () => {
    const s = make();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return { url: `smtp://127.0.0.1:${port}`, mails, down, up, stop: down };
}

export interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** When it was accepted (epoch ms), for the benchmark's delivery latency. */
  at: number;
}

/**
 * A real HTTP receiver that verifies every message's Standard Webhooks signature with the
 * `standardwebhooks` library, as a receiver at the exchange would, and drops repeats by `webhook-id`.
 * `failFirst(n, match)` answers the first n attempts of each message that `match` picks with 503.
 */
export async function startWebhookReceiver(secret: string): Promise<{
  url: string;
  /** Events accepted, once per webhook-id. */
  events: ReceivedEvent[];
  /** Every webhook-id seen, one entry per request, accepted or not. */
  attempts: string[];
  /** Requests whose signature did not verify. */
  rejected: number;
  /** Accepted requests whose webhook-id had been accepted before. */
  repeats: number;
  failFirst(n: number, match: (event: Omit<ReceivedEvent, 'id' | 'at'>) => boolean): void;
  stop(): Promise<void>;
}> {
  const webhook = new Webhook(secret);
  let failing: { n: number; match: (event: Omit<ReceivedEvent, 'id' | 'at'>) => boolean } | undefined;
  const failedTimes = new Map<string, number>();
  const state = {
    events: [] as ReceivedEvent[],
    attempts: [] as string[],
    rejected: 0,
    repeats: 0,
  };
  const seen = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      const id = headers['webhook-id'] ?? '';
      state.attempts.push(id);
      let payload: { type: string; data: Record<string, unknown> };
      try {
        payload = webhook.verify(body, headers) as typeof payload;
      } catch {
        state.rejected += 1;
        response.writeHead(400).end();
        return;
      }
      const failed = failedTimes.get(id) ?? 0;
      if (failing && failed < failing.n && failing.match(payload)) {
        failedTimes.set(id, failed + 1);
        response.writeHead(503).end();
        return;
      }
      if (seen.has(id)) state.repeats += 1;
      else {
        seen.add(id);
        state.events.push({ id, type: payload.type, data: payload.data, at: Date.now() });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get events() {
      return state.events;
    },
    get attempts() {
      return state.attempts;
    },
    get rejected() {
      return state.rejected;
    },
    get repeats() {
      return state.repeats;
    },
    failFirst(n, match) {
      failing = { n, match };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
