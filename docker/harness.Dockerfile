# syntax=docker/dockerfile:1
# The storebench harness (the load side): load, verify, seed, import, report and compare against servers
# it is given (`--provision external`, URLs in STOREBENCH_*_URL). Runs the TypeScript sources through tsx,
# as a checkout does, with every package installed. Not for production: the API has its own image
# (docker/api.Dockerfile). docker-compose.yml's `harness` profile builds it.
#   docker compose --profile api --profile harness run --rm harness \
#     load --url http://nginx:8080 --workload catalog --steps 250,500,1000
ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
# canvas (charts) uses a prebuilt binary when one fits this platform, and builds against these otherwise.
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
       build-essential python3 libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /harness
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .

FROM ${NODE_IMAGE} AS runtime
# The shared libraries canvas links against (not their -dev packages), and a font for the chart labels.
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
       libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libjpeg62-turbo libgif7 librsvg2-2 fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /harness
COPY --from=build /harness ./
# Runs write results/<run-id>/ here: mount a volume on it to keep them.
RUN mkdir -p results .storebench && chown node:node results .storebench
USER node
ENTRYPOINT ["node", "bin/storebench.mjs"]
CMD ["--help"]
