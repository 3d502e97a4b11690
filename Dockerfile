# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript and the better-sqlite3 native addon.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY proxy ./proxy
COPY trainer ./trainer
COPY cli ./cli
COPY adapters ./adapters
COPY examples ./examples
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Runtime stage: only the compiled output and production dependencies, as a non-root user.
# What matters at run time comes from the environment and the entrypoint, not from CMD, so
# `docker run IMAGE serve --upstream …` (which replaces CMD) keeps the database and the admin
# token on the /data volume, listens on every interface, and runs in /data.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN groupadd --system rollcall && useradd --system --gid rollcall --home /data rollcall \
  && mkdir -p /data && chown rollcall:rollcall /data
ENV ROLLCALL_DB=/data/rollcall.db \
  ROLLCALL_ADMIN_TOKEN_FILE=/data/admin-token \
  ROLLCALL_HOST=0.0.0.0 \
  ROLLCALL_PORT=8787
USER rollcall
VOLUME ["/data"]
WORKDIR /data
EXPOSE 8787
# SIGTERM (docker stop) closes the HTTP server first, then the database.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ROLLCALL_PORT || 8787) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/rollcall.js"]
CMD ["serve"]
