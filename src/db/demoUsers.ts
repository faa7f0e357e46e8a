import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './client.js';
import { users } from './schema/index.js';
import type { NewUser } from './users.js';
import { actorForToken, issueToken } from './users.js';

const demoUsers: (NewUser & { id: string })[] = [
  { id: 'usr_demo_agent', name: 'Lee Okafor', roles: ['agent'], businessLines: ['*'], departments: [] },
  { id: 'usr_demo_agent2', name: 'Aaron Lindqvist', roles: ['agent'], businessLines: ['*'], departments: [] },
  {
    id: 'usr_demo_checker',
    name: 'Chen Wei',
    roles: ['checker'],
    businessLines: ['*'],
    departments: [],
  },
  {
    id: 'usr_demo_senior',
    name: 'Sam Delgado',
    roles: ['checker', 'senior'],
    businessLines: ['*'],
    departments: [],
  },
  {
    id: 'usr_demo_compliance',
    name: 'Cora Mbeki',
    roles: ['compliance'],
    businessLines: ['*'],
    departments: [],
  },
  {
    id: 'usr_demo_department',
    name: 'Devi Raman',
    roles: ['department'],
    businessLines: ['*'],
    departments: ['security', 'technical'],
  },
  {
    id: 'usr_demo_auditor',
    name: 'Ada Novak',
    roles: ['auditor'],
    businessLines: ['*'],
    departments: [],
  },
  {
    id: 'usr_demo_risk_engine',
    name: 'Risk engine',
    roles: ['risk_engine'],
    businessLines: ['*'],
    departments: [],
  },
  { id: 'usr_demo_admin', name: 'Morgan Reyes', roles: ['admin'], businessLines: ['*'], departments: [] },
];

export interface DemoToken {
  userId: string;
  name: string;
  roles: string[];
  token: string;
}

/**
 * Development only: creates the demo users once and keeps their tokens in the data dir, so the tokens
 * printed at start stay valid across restarts of the same install.
 */
export async function seedDemoUsers(db: Database, dataDir: string): Promise<DemoToken[]> {
  const file = join(dataDir, 'demo-tokens.json');
  const saved = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as DemoToken[])
    .catch(() => [] as DemoToken[]);
  const tokens: DemoToken[] = [];
  for (const user of demoUsers) {
    // An install seeded before the demo users had names gets them now; nothing else of theirs changes.
    await db
      .insert(users)
      .values(user)
      .onConflictDoUpdate({ target: users.id, set: { name: user.name } });
    const previous = saved.find((t) => t.userId === user.id);
    const stillValid = previous && (await actorForToken(db, previous.token))?.actor.id === user.id;
    const token = stillValid ? previous.token : (await issueToken(db, user.id, { label: 'demo' })).token;
    tokens.push({ userId: user.id, name: user.name, roles: user.roles, token });
  }
  await writeFile(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}
