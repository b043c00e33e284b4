# Tandem: the relay server and the built client, served on one port.
#
#   docker build -t tandem .
#   docker run -p 1234:1234 -v tandem_data:/data tandem
#
# Two stages: `build` installs every workspace's dependencies (TypeScript, Vite…) and builds
# server/dist and client/dist; the runtime stage installs only the server's production
# dependencies and copies the two build outputs next to them, in the repository's layout
# (the server finds the client at server/dist/../../client/dist).
#
# Checked without an engine by server/test/deploy/ (CMD, USER, /data, HEALTHCHECK, run against
# the built server) and by `node deploy/simulate-image.mjs`, which lays down both stages' files
# from the .dockerignore'd context, runs their npm steps and starts the result as uid 1000.

# ---------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Manifests first, so that the dependency layer is cached until the lockfile changes. Every
# workspace's package.json is needed: `npm ci` refuses a lockfile that names a missing one.
COPY package.json package-lock.json tsconfig.base.json ./
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
# No install scripts: nothing we build needs one (esbuild, rolldown and lightningcss ship
# per-platform packages), and recent npm skips them anyway.
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY scripts/build.mjs scripts/
COPY schema/ schema/
COPY server/ server/
COPY client/ client/
RUN npm run build

# ---------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=1234 DATA_DIR=/data
# glibc keeps freed large blocks (a document's stored snapshot, its first sync) in its heap once
# its mmap threshold has adapted upwards; a fixed threshold hands them back to the system. With a
# 5 MB document open: +13 MB of RSS instead of +38 MB (bench/RESULTS.md, E).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app

# Production dependencies of the server workspace only (ws, leveldown, yjs, y-protocols, lib0,
# pino, prom-client, jose, and the conversions' Tiptap packages with the shared schema package
# @tandem/schema): no client, e2e or build tooling in the image. leveldown loads its
# bundled linux-x64 glibc prebuild through node-gyp-build, so no install script and no
# compiler are needed.
COPY package.json package-lock.json ./
COPY schema/package.json schema/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
RUN npm ci --omit=dev --workspace server --workspace schema --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/schema/dist schema/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist

# The volume must exist and belong to the non-root user before VOLUME: a named volume is
# initialised from the image's /data, ownership included.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 1234

# Node itself (the slim image has no curl or wget). fetch needs Node 18+.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||1234)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# Exec form and no npm in between: SIGTERM from `docker stop` reaches the server, which
# closes sockets with 1001, flushes and exits 0.
CMD ["node","server/dist/main.js"]
