# dualkey API and worker image. One image, two processes: the default command runs the API
# (`npm run api`); the worker service overrides it with `npm run worker`. tsx (a runtime dependency)
# runs the TypeScript sources directly, so there is no build step.
# In the container DATABASE_URL and TEMPORAL_ADDRESS are always set: no embedded PostgreSQL, no dev server.
# The console is built in a stage of its own, with the dev dependencies (Vite, React); only its output,
# static files, reaches the image.
FROM node:20-bookworm-slim AS console
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
RUN npx tsx scripts/console.ts

FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so source edits reuse this layer.
# Install scripts follow package.json's `allowScripts`, whichever npm the base image ships: install with
# none, then rebuild only the packages allowScripts approves (and that exist on this platform). An empty
# list must not reach `npm rebuild`, which would otherwise rebuild everything.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && allowed="$(node -e 'const { existsSync } = require("node:fs"); const allow = require("./package.json").allowScripts ?? {}; console.log(Object.keys(allow).filter((name) => allow[name] === true && existsSync(`node_modules/${name}`)).join(" "))')" \
 && if [ -n "$allowed" ]; then npm rebuild $allowed; fi \
 && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY --from=console /build/dist/console ./dist/console

# Code stays root-owned and read-only to the app; only the data dir (used if demo seeding is turned on)
# is writable by the runtime user.
RUN mkdir -p /app/.dualkey && chown node:node /app/.dualkey

USER node

# API (PORT) and worker metrics (WORKER_METRICS_PORT).
EXPOSE 3000 9464

CMD ["npm", "run", "api"]
