import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationKind } from '../domain/notifications.js';
import { escapeHtml, notificationKinds, renderTemplate } from '../domain/notifications.js';

const templateDir = join(import.meta.dirname, 'templates');

export interface Template {
  subject: string;
  text: string;
  html?: string | undefined;
}

export interface RenderedMessage {
  subject: string;
  text: string;
  html?: string | undefined;
}

/** The files of one kind: `subject.txt` and `text.txt`, and `body.html` when the kind has one. */
export function loadTemplate(kind: NotificationKind, dir = templateDir): Template {
  const read = (name: string) => readFileSync(join(dir, kind, name), 'utf8').trim();
  const htmlPath = join(dir, kind, 'body.html');
  return {
    subject: read('subject.txt'),
    text: `${read('text.txt')}\n`,
    html: existsSync(htmlPath) ? readFileSync(htmlPath, 'utf8') : undefined,
  };
}

/** Every kind's template, read once at start so a missing file stops the worker instead of a delivery. */
export function loadTemplates(dir = templateDir): Record<NotificationKind, Template> {
  return Object.fromEntries(notificationKinds.map((kind) => [kind, loadTemplate(kind, dir)])) as Record<
    NotificationKind,
    Template
  >;
}

/** Fills a template; facts in the HTML body are escaped, a subject is one line. */
export function renderMessage(template: Template, facts: Readonly<Record<string, unknown>>): RenderedMessage {
  const htmlFacts = Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : v]),
  );
  return {
    subject: renderTemplate(template.subject, facts).replace(/\s+/g, ' '),
    text: renderTemplate(template.text, facts),
    html: template.html === undefined ? undefined : renderTemplate(template.html, htmlFacts),
  };
}
