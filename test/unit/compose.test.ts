import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { EnvSchema } from '../../src/config/env.js';
import { caseSearchAttributes } from '../../workflows/searchAttributes.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

const stringOrList = z.union([z.string(), z.array(z.string())]);

const ServiceSchema = z
  .object({
    image: z.string().optional(),
    build: z.union([z.string(), z.object({ context: z.string() }).loose()]).optional(),
    command: stringOrList.optional(),
    entrypoint: stringOrList.optional(),
    restart: z.string().optional(),
    environment: z
      .union([
        z.array(z.string()),
        z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      ])
      .optional(),
    ports: z
      .array(
        z.union([
          z.string(),
          z.object({
            target: z.number(),
            published: z.union([z.string(), z.number()]).optional(),
            host_ip: z.string().optional(),
          }),
        ]),
      )
      .optional(),
    volumes: z
      .array(
        z.union([
          z.string(),
          z.object({ type: z.string(), source: z.string().optional(), target: z.string() }).loose(),
        ]),
      )
      .optional(),
    configs: z
      .array(z.union([z.string(), z.object({ source: z.string(), target: z.string().optional() }).loose()]))
      .optional(),
    depends_on: z
      .union([
        z.array(z.string()),
        z.record(z.string(), z.object({ condition: z.string().optional() }).loose()),
      ])
      .optional(),
    healthcheck: z.object({ test: stringOrList, disable: z.boolean().optional() }).loose().optional(),
  })
  .loose();
type Service = z.infer<typeof ServiceSchema>;

const ComposeSchema = z
  .object({
    services: z.record(z.string(), ServiceSchema),
    volumes: z.record(z.string(), z.union([z.null(), z.object({}).loose()])).optional(),
    configs: z.record(z.string(), z.object({}).loose()).optional(),
  })
  .loose();

const compose = ComposeSchema.parse(parse(read('docker-compose.yml')));
const packageJson = z
  .object({ scripts: z.record(z.string(), z.string()) })
  .loose()
  .parse(JSON.parse(read('package.json')));

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** A value compose would pass for `${VAR}`/`${VAR:?msg}` when the user set it; long enough for any token rule. */
const PLACEHOLDER = 'compose-test-placeholder-0123456789abcdef';

/** Compose's interpolation: defaults apply, required and plain references get a placeholder, `$$` is `$`. */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*(?:(:?[-?])([^}]*))?\}|\$[A-Za-z_][A-Za-z0-9_]*/g,
    (match: string, operator: string | undefined, argument: string | undefined) => {
      if (match === '$$') return '$';
      if (operator === '-' || operator === ':-') return argument ?? '';
      return PLACEHOLDER;
    },
  );
}

/** The environment as written in the file, list or map form, values as strings. */
function rawEnvironment(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, String(value ?? '')]));
}

/** The environment the container would get, with `${...}` resolved. */
function environment(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(rawEnvironment(name)).map(([key, value]) => [key, interpolate(value)]),
  );
}

function commandText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

function dependencies(name: string): Record<string, string | undefined> {
  const dependsOn = service(name).depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((dep) => [dep, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([dep, spec]) => [dep, spec.condition]));
}

/** Services that run once: something waits for them with `service_completed_successfully`. */
const oneShots = new Set(
  Object.keys(compose.services).flatMap((name) =>
    Object.entries(dependencies(name))
      .filter(([, condition]) => condition === 'service_completed_successfully')
      .map(([dep]) => dep),
  ),
);
const longRunning = Object.keys(compose.services).filter((name) => !oneShots.has(name));

/** host port -> container port, for each published port. */
function publishedPorts(name: string): Map<number, number> {
  const result = new Map<number, number>();
  for (const port of service(name).ports ?? []) {
    if (typeof port === 'string') {
      const parts = interpolate(port).split('/')[0]!.split(':');
      const target = Number(parts.at(-1));
      const published = parts.length >= 2 ? Number(parts.at(-2)) : NaN;
      if (Number.isInteger(published)) result.set(published, target);
    } else if (port.published !== undefined) {
      result.set(Number(port.published), port.target);
    }
  }
  return result;
}

const appServices = ['api', 'worker'] as const;

describe('docker-compose.yml', () => {
  it('declares the production-like stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'postgres', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(service('postgres').image).toMatch(/^postgres:17(\.|$)/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(service('temporal').image).toMatch(/^temporalio\/(server|auto-setup):\d+\.\d+\.\d+$/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:\d+\.\d+\.\d+/);
  });

  it('pins every pulled image to a version', () => {
    for (const [name, spec] of Object.entries(compose.services)) {
      if (spec.build !== undefined) continue;
      expect(spec.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(spec.image, name).not.toMatch(/:latest$/);
    }
  });

  it('builds api and worker from this repository as one image', () => {
    expect(service('api').build).toBeDefined();
    expect(service('api').image).toBeDefined();
    expect(service('worker').image).toBe(service('api').image);
  });

  it('publishes the API on 3000 and the Temporal Web UI on 8080', () => {
    expect(publishedPorts('api').get(3000)).toBe(3000);
    expect(publishedPorts('temporal-ui').get(8080)).toBe(8080);
    expect(environment('api').PORT).toBe('3000');
  });

  it('gives every long-running service a health check and a restart policy', () => {
    expect([...oneShots].sort()).toEqual(['temporal-schema', 'temporal-setup']);
    expect(longRunning.sort()).toEqual(['api', 'postgres', 'temporal', 'temporal-ui', 'worker']);
    for (const name of longRunning) {
      const { healthcheck, restart } = service(name);
      expect(healthcheck, name).toBeDefined();
      expect(healthcheck?.disable, name).not.toBe(true);
      expect(commandText(healthcheck?.test), name).not.toMatch(/^NONE\b/);
      expect(['always', 'unless-stopped'], name).toContain(restart);
    }
    for (const name of oneShots) expect(service(name).restart, name).toBe('no');
  });

  it('waits for what each service needs, and only on health checks that exist', () => {
    for (const name of appServices) {
      expect(dependencies(name), name).toMatchObject({
        postgres: 'service_healthy',
        temporal: 'service_healthy',
        'temporal-setup': 'service_completed_successfully',
      });
    }
    expect(dependencies('temporal')).toMatchObject({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependencies('temporal-schema')).toMatchObject({ postgres: 'service_healthy' });
    expect(dependencies('temporal-setup')).toMatchObject({ temporal: 'service_healthy' });
    for (const name of Object.keys(compose.services)) {
      for (const [dep, condition] of Object.entries(dependencies(name))) {
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty([dep]);
        if (condition === 'service_healthy') expect(service(dep).healthcheck, `${dep}`).toBeDefined();
      }
    }
  });

  it('keeps data in named volumes that are declared and used', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const used = Object.values(compose.services).flatMap((spec) =>
      (spec.volumes ?? []).flatMap((volume) => {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        return source && !/^[./~]/.test(source) ? [source] : [];
      }),
    );
    expect(declared.length).toBeGreaterThan(0);
    expect([...new Set(used)].sort()).toEqual([...declared].sort());
    expect(service('postgres').volumes).toContain(`${declared[0]}:/var/lib/postgresql/data`);
  });

  it('declares the configs services mount', () => {
    const declared = Object.keys(compose.configs ?? {});
    for (const [name, spec] of Object.entries(compose.services)) {
      for (const config of spec.configs ?? []) {
        expect(declared, name).toContain(typeof config === 'string' ? config : config.source);
      }
    }
  });

  it('gives api and worker only variables EnvSchema knows, as strings', () => {
    const known = Object.keys(EnvSchema.shape);
    for (const name of appServices) {
      const raw = service(name).environment;
      expect(raw, name).toBeDefined();
      for (const [key, value] of Object.entries(rawEnvironment(name))) {
        expect(known, `${name}: ${key}`).toContain(key);
        if (raw && !Array.isArray(raw)) expect(typeof raw[key], `${name}: ${key}`).toBe('string');
        expect(value, `${name}: ${key}`).not.toBe('');
      }
    }
  });

  it('gives api and worker values EnvSchema accepts, with the stack wired together', () => {
    const postgres = environment('postgres');
    for (const name of appServices) {
      const source = Object.fromEntries(
        Object.entries(environment(name)).filter(([, value]) => value !== ''),
      );
      const result = EnvSchema.safeParse(source);
      expect(result.error?.issues ?? [], name).toEqual([]);
      const env = EnvSchema.parse(source);

      expect(env.NODE_ENV, name).toBe('production');
      expect(env.HOST, name).toBe('0.0.0.0');
      expect(env.TEMPORAL_ADDRESS, name).toBe('temporal:7233');
      expect(env.TEMPORAL_NAMESPACE, name).toBe(environment('temporal-setup').TEMPORAL_NAMESPACE);
      expect(env.TEMPORAL_UI_URL, name).toBe('http://localhost:8080');

      const database = new URL(env.DATABASE_URL ?? '');
      expect(database.hostname, name).toBe('postgres');
      expect(database.port || '5432', name).toBe('5432');
      expect(database.pathname, name).toBe(`/${postgres.POSTGRES_DB}`);
      expect(database.username, name).toBe(postgres.POSTGRES_USER);
      expect(decodeURIComponent(database.password), name).toBe(postgres.POSTGRES_PASSWORD);
    }
    expect(environment('worker').WORKER_METRICS_PORT).toBe('9464');
  });

  it('requires the bootstrap admin token from the user instead of shipping one', () => {
    expect(rawEnvironment('api').DUALKEY_BOOTSTRAP_ADMIN_TOKEN).toMatch(
      /^\$\{DUALKEY_BOOTSTRAP_ADMIN_TOKEN:\?[^}]+\}$/,
    );
    expect(read('docker-compose.yml')).not.toMatch(/DUALKEY_BOOTSTRAP_ADMIN_TOKEN:-/);
  });

  it('checks the API on /readyz and the worker on its metrics port', () => {
    const api = commandText(service('api').healthcheck?.test);
    expect(api).toContain(`http://127.0.0.1:${environment('api').PORT}/readyz`);
    expect(api).toMatch(/\bnode -e\b/);
    const worker = commandText(service('worker').healthcheck?.test);
    expect(worker).toContain(`http://127.0.0.1:${environment('worker').WORKER_METRICS_PORT}/metrics`);
  });

  it('registers exactly the search attributes the workflows use', () => {
    const script = interpolate(commandText(service('temporal-setup').command));
    const registered = [...script.matchAll(/^\s*retry ensure_attribute (\w+) (\w+)\s*$/gm)].map(
      ([, name = '', type = '']) => ({ name, type: type.toLowerCase() }),
    );
    const expected = caseSearchAttributes.map((key) => ({
      name: key.name,
      type: key.type.replace('_', '').toLowerCase(),
    }));
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    expect(registered.sort(byName)).toEqual(expected.sort(byName));
    expect(script).toContain('--namespace "$TEMPORAL_NAMESPACE"');
  });
});

describe("the Temporal server's settings in docker-compose.yml", () => {
  const DynamicConfig = z.record(
    z.string(),
    z.array(z.object({ value: z.unknown(), constraints: z.record(z.string(), z.unknown()) })).min(1),
  );
  const temporal = service('temporal');
  const mounted = (temporal.configs ?? []).find(
    (config) =>
      typeof config !== 'string' && config.target === environment('temporal').DYNAMIC_CONFIG_FILE_PATH,
  );
  const source = typeof mounted === 'object' ? mounted.source : '';
  const content = z.object({ content: z.string() }).loose().parse(compose.configs?.[source]).content;
  const dynamicConfig = DynamicConfig.parse(parse(content));

  it('mounts a dynamic config that is valid YAML where DYNAMIC_CONFIG_FILE_PATH points', () => {
    expect(source).not.toBe('');
    expect(dynamicConfig['limit.maxIDLength']?.[0]?.value).toBe(255);
  });

  it('lets the documented searches run back to back: the namespace visibility rate is raised', () => {
    const visibility = dynamicConfig['frontend.namespaceRPS.visibility']?.[0];
    expect(visibility?.constraints).toEqual({});
    expect(visibility?.value).toBeGreaterThanOrEqual(50);
  });

  it('says how frontend authorization is set, instead of leaving the server to warn', () => {
    expect(environment('temporal').TEMPORAL_ALLOW_NO_AUTH).toBe('true');
    // No authorizer, so the frontend must only be reachable from this machine.
    for (const port of temporal.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('creates the namespace with an explicit retention', () => {
    const script = interpolate(commandText(service('temporal-setup').command));
    expect(script).toMatch(/temporal operator namespace create [^\n]*--retention \d+h/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = existsSync(`${root}Dockerfile`) ? read('Dockerfile') : '';
  /** Instructions with continuation lines joined and comments dropped. */
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const valuesOf = (keyword: string): string[] =>
    instructions
      .filter((line) => line.toUpperCase().startsWith(`${keyword} `))
      .map((line) => line.slice(keyword.length).trim());

  /** The npm script a command runs via `npm run <script>` / `npm start`, if any. */
  function npmScript(command: string[]): string | undefined {
    if (command[0] !== 'npm') return undefined;
    if (command[1] === 'start') return 'start';
    return command[1] === 'run' || command[1] === 'run-script' ? command[2] : undefined;
  }
  function execForm(value: string | undefined): string[] {
    return z.array(z.string()).parse(JSON.parse(value ?? 'null'));
  }

  it('exists, every stage on the Node 20 slim image', () => {
    expect(dockerfile).not.toBe('');
    expect(valuesOf('FROM').length).toBeGreaterThan(0);
    for (const from of valuesOf('FROM')) expect(from).toMatch(/^node:20-bookworm-slim\b/);
  });

  it('installs production dependencies from the lockfile before copying the sources', () => {
    // The image is the last stage; an earlier one (the console build) may install dev dependencies.
    const finalStage = instructions.slice(instructions.findLastIndex((line) => /^FROM /i.test(line)));
    const lockCopy = finalStage.findIndex((line) => /^COPY .*package-lock\.json/.test(line));
    const install = finalStage.findIndex((line) => /^RUN .*npm ci\b.*--omit=dev/.test(line));
    const sourceCopy = finalStage.findIndex((line) => /^COPY src\b/.test(line));
    expect(lockCopy).toBeGreaterThan(-1);
    expect(install).toBeGreaterThan(lockCopy);
    expect(sourceCopy).toBeGreaterThan(install);
    for (const dir of ['src', 'workflows', 'activities', 'tsconfig.json']) {
      expect(
        finalStage.some((line) => new RegExp(`^COPY ${dir}\\b`).test(line)),
        dir,
      ).toBe(true);
    }
  });

  it('runs as a non-root user', () => {
    const user = valuesOf('USER').at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('starts the API, and the worker override, through npm scripts that exist', () => {
    const cmd = execForm(valuesOf('CMD').at(-1));
    expect(valuesOf('ENTRYPOINT')).toEqual([]);
    expect(npmScript(cmd)).toBe('api');
    expect(Object.keys(packageJson.scripts)).toContain('api');

    const workerCommand = service('worker').command;
    const worker = Array.isArray(workerCommand) ? workerCommand : (workerCommand ?? '').split(/\s+/);
    expect(npmScript(worker)).toBe('worker');
    expect(Object.keys(packageJson.scripts)).toContain('worker');
  });

  it('keeps host artifacts out of the build context', () => {
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['node_modules', '.dualkey', '.git', 'coverage']) expect(ignored).toContain(entry);
  });
});
