import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { escapeHtml } from '../../domain/notifications.js';
import type { AppEnv } from '../context.js';
import { rateLimit } from '../middleware/rateLimit.js';
import { isUnavailable } from '../services/unavailable.js';
import { answerQuestion, openQuestion } from '../services/respond.js';

const ANSWER_LIMIT = 5_000;
const FORM_LIMIT_BYTES = 32_768;

/*
 * The page ships no script and loads nothing: its one style block is allowed by hash-free `unsafe-inline`
 * only for styles. The token is in the path, so no referrer leaves the page and nothing is cached.
 */
const headers = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const style = `body{font:1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
blockquote{margin:1rem 0;padding:.75rem 1rem;border-left:4px solid #1d5fa8;background:#f3f6fa;white-space:pre-wrap}
label{display:block;font-weight:600;margin:1rem 0 .25rem}textarea{width:100%;min-height:8rem;font:inherit}
button{font:inherit;padding:.5rem 1.25rem;margin-top:.75rem;background:#1d5fa8;color:#fff;border:0;border-radius:4px}
.error{color:#a4000f;font-weight:600}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

const closedPages = {
  unknown: {
    status: 404,
    title: 'Link not found',
    text: 'This link is not valid. Please check that you opened the whole link from the message we sent you.',
  },
  used: {
    status: 410,
    title: 'Already answered',
    text: 'This link has been used already: we have your answer. Each link works once.',
  },
  expired: {
    status: 410,
    title: 'Link expired',
    text: 'The time to answer this question has passed. If you still need help, please contact support.',
  },
  closed: {
    status: 410,
    title: 'Question closed',
    text: 'This question is no longer open, so the answer was not recorded. If you still need help, please contact support.',
  },
} as const;

function closedPage(c: Context<AppEnv>, state: keyof typeof closedPages): Response {
  const { status, title, text } = closedPages[state];
  return c.html(page(title, `<p>${escapeHtml(text)}</p>`), status, headers);
}

function questionPage(
  c: Context<AppEnv>,
  question: string,
  dueAt: Date,
  problem?: { text: string; answer: string },
): Response {
  const error = problem
    ? `<p class="error" id="answer-error" role="alert">${escapeHtml(problem.text)}</p>`
    : '';
  const described = problem ? ' aria-describedby="answer-error" aria-invalid="true"' : '';
  const body = `<p>Our risk operations team asks:</p>
<blockquote>${escapeHtml(question)}</blockquote>
<form method="post">
${error}
<label for="answer">Your answer</label>
<textarea id="answer" name="answer" maxlength="${ANSWER_LIMIT}" required${described}>${escapeHtml(problem?.answer ?? '')}</textarea>
<p>You can answer once, until ${escapeHtml(dueAt.toUTCString())}.</p>
<button type="submit">Send answer</button>
</form>`;
  return c.html(page('Answer our question', body), problem ? 400 : 200, headers);
}

function unavailablePage(c: Context<AppEnv>): Response {
  return c.html(
    page(
      'Please try again shortly',
      '<p>We cannot take your answer right now, and it has not been saved. Please try again in a minute with the same link.</p>',
    ),
    503,
    { ...headers, 'retry-after': '30' },
  );
}

/** The client's address as the socket gives it; behind a proxy all share one bucket, which errs on safety. */
function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function register(app: OpenAPIHono<AppEnv>): void {
  const responses = {
    200: { description: 'an HTML page', content: { 'text/html': { schema: { type: 'string' as const } } } },
    404: { description: 'an HTML page: no such link' },
    410: { description: 'an HTML page: the link was used or has expired' },
    429: { description: 'an HTML page: too many requests from this address' },
  };
  const parameters = [
    { name: 'token', in: 'path' as const, required: true, schema: { type: 'string' as const } },
  ];
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/respond/{token}',
    operationId: 'getRespondPage',
    summary: 'The account owner’s answer page',
    description:
      'Public page behind the link in a question to the account owner: shows the question only. The token is random, single-use, bound to one information request and expires with it. No cookies; rate-limited per address.',
    tags: ['respond'],
    security: [],
    parameters,
    responses,
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/respond/{token}',
    operationId: 'postRespondAnswer',
    summary: 'Send the account owner’s answer',
    description:
      'A form post (`answer`, up to 5,000 characters) from the respond page. Records the answer on the case as the owner’s, through the respond link, returns the case to in_review and spends the token.',
    tags: ['respond'],
    security: [],
    parameters,
    responses: { ...responses, 400: { description: 'the form again, saying what is missing' } },
  });

  const limited = rateLimit(
    30,
    clientAddress,
    () =>
      new Response(page('Too many requests', '<p>Please wait a minute and try again.</p>'), {
        status: 429,
        headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'retry-after': '60' },
      }),
  );

  app.get('/respond/:token', limited, async (c) => {
    const found = await openQuestion(c.get('deps').db, c.req.param('token'));
    if (found.state !== 'open') return closedPage(c, found.state);
    return questionPage(c, found.question, found.dueAt);
  });

  app.post('/respond/:token', limited, async (c) => {
    const token = c.req.param('token');
    const { db, cases } = c.get('deps');
    const found = await openQuestion(db, token);
    if (found.state !== 'open') return closedPage(c, found.state);
    const length = Number(c.req.header('content-length') ?? '0');
    const type = c.req.header('content-type') ?? '';
    if (
      length > FORM_LIMIT_BYTES ||
      !/^application\/x-www-form-urlencoded|^multipart\/form-data/.test(type)
    ) {
      return questionPage(c, found.question, found.dueAt, {
        text: 'Please send your answer with the form on this page.',
        answer: '',
      });
    }
    const form = await c.req.parseBody();
    const answer = typeof form.answer === 'string' ? form.answer.trim() : '';
    if (answer.length === 0 || answer.length > ANSWER_LIMIT) {
      return questionPage(c, found.question, found.dueAt, {
        text:
          answer.length === 0
            ? 'Please write your answer before sending it.'
            : `Please keep your answer under ${ANSWER_LIMIT} characters.`,
        answer: answer.slice(0, ANSWER_LIMIT),
      });
    }
    try {
      const outcome = await answerQuestion({ db, cases }, token, answer);
      if (outcome !== 'answered' && outcome !== 'open') return closedPage(c, outcome);
    } catch (error) {
      if (isUnavailable(error)) return unavailablePage(c);
      throw error;
    }
    return c.html(
      page(
        'Thank you',
        '<p>We have your answer. Our risk operations team will continue with your request and get back to you.</p>',
      ),
      200,
      headers,
    );
  });
}
