# syntax=docker/dockerfile:1
# papers bot: `docker build -t papers-bot .` (see README, "Containers"). Two stages: the build has the dev
# dependencies and compiles dist/; the runtime image has production dependencies only and runs as `node`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source where no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# `prepare` (the build) needs the sources, copied next; only the native packages run their install scripts.
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 esbuild msgpackr-extract
COPY . .
RUN npm run build \
 && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATABASE_URL=file:/app/data/papers.db
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/tsconfig.json /app/tsconfig.build.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/src ./src
COPY --from=build /app/adapters ./adapters
COPY --from=build /app/jobs ./jobs
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/dist ./dist
# The database (and its search index beside it) lives on the volume, writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command as `npm start` (without npm in between, so SIGTERM reaches the bot).
CMD ["node", "src/start.mjs"]
