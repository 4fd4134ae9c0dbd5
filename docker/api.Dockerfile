# The storebench API (`storebench serve`). Built by docker-compose.yml (profile api).
FROM node:20.19-bookworm-slim
WORKDIR /app
# canvas (charts) builds against these when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential python3 libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production
EXPOSE 3000
USER node
CMD ["sh", "-c", "exec node bin/storebench.mjs serve --host 0.0.0.0 --port 3000 --backend \"$STOREBENCH_BACKEND\" --url \"$STOREBENCH_URL\" --workers \"${STOREBENCH_WORKERS:-1}\""]
