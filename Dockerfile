# syntax=docker/dockerfile:1
# Build stage: every dependency (esbuild compiles src/ to dist/).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# Run-time dependencies only, without what Node never loads (type declarations,
# TypeScript sources, source maps, READMEs): 116 MB -> 77 MB. No compiler needed:
# every native package we use ships its binary inside the npm package.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' -o -name '*.md' \) -delete \
 && rm -rf node_modules/@types

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HEALTH_PORT=8080
WORKDIR /app
# chart labels need a font; the slim image has none
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY drizzle ./drizzle
COPY prompts ./prompts
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `npm start` without npm (one process; SIGTERM from `docker stop` lets running
# handlers finish, see src/main.ts). test/build.test.ts keeps the two the same.
# --max-semi-space-size=1: V8's young generation grows to 16 MB semi-spaces in the
# start-up burst and keeps them; a bot idle between messages does not need them
# (idle RSS -4 to -6 MB, a 5 h FIT decodes no slower). --expose-gc: the embedded
# database collects initdb's leftovers once, on a first start (src/db/pglite.ts).
CMD ["node", "--max-semi-space-size=1", "--expose-gc", "dist/main.js"]
