# syntax=docker/dockerfile:1
# The storebench API's runtime image: `storebench serve` (and the other commands of the CLI that need no
# harness package) on one backend. Built by docker-compose.yml (profile api) and used by deploy/kubernetes/.
# The load side has its own image: docker/harness.Dockerfile.
#
#   deps     production node_modules only (`npm ci --omit=dev`): no chart.js, canvas, clinic, autocannon,
#            playwright, tsx or esbuild. No production dependency has a native part, so no stage needs a
#            compiler, and install scripts are not run.
#   build    the CLI compiled to plain JavaScript (scripts/build-api.mjs): no TypeScript loader at run time.
#   runtime  node + those two, owned by root and run as the unprivileged `node` user.
#
# deploy/api-install.test.ts (in `npm test`) runs the deps and build steps and starts the API the way CMD
# does, through docker/api-serve.sh. docs/production.md has the size estimate and the configuration.
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every package (esbuild is a dev dependency), without install scripts: canvas is never built here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build-api.mjs --outdir dist/cli

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    STOREBENCH_HOST=0.0.0.0 \
    STOREBENCH_PORT=3000 \
    STOREBENCH_WORKERS=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/cli ./dist/cli
COPY package.json ./
COPY docker/api-serve.sh /usr/local/bin/storebench-serve
RUN ln -s /app/dist/cli/storebench.mjs /usr/local/bin/storebench
USER node
EXPOSE 3000
# Liveness only (the process answers); readiness (/readyz: the database answers) is for load balancers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.STOREBENCH_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["storebench-serve"]
