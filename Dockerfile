# Tandem: the relay server and the built client, served on one port.
#
#   docker build -t tandem .
#   docker run -p 1234:1234 -v tandem_data:/data tandem
#
# Three stages: `deps` installs every workspace's dependencies (for the build) and, apart, the
# server's production dependencies (for the image); `build` builds schema/dist, server/dist and
# client/dist; the runtime stage copies the production dependencies and the build outputs, in the
# repository's layout (the server finds the client at server/dist/../../client/dist, and
# @tandem/schema through the workspace link to /app/schema). Only `deps` reaches the npm registry.
#
# Behind a TLS-inspecting proxy, `npm ci` fails with SELF_SIGNED_CERT_IN_CHAIN unless Node trusts
# the proxy's certificate authority. Opt in with the PEM text of the extra certificates:
#
#   docker build --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)" -t tandem .
#
# They are used for the install only (NODE_EXTRA_CA_CERTS, a file removed in the same step) and
# never reach the runtime stage, whose image and history hold no trace of them.
#
# Checked on a real engine by server/test/deploy/engine-*.test.ts, and without one by
# server/test/deploy/dockerfile.test.ts. Air-gapped hosts: deploy/airgap/build-base-images.sh
# builds the base image from Debian packages.

# ---------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
ARG EXTRA_CA_CERTS=""
WORKDIR /app

# Manifests only, so that this stage is cached until the lockfile changes. Every workspace's
# package.json is needed: `npm ci` refuses a lockfile that names a missing one.
COPY package.json package-lock.json tsconfig.base.json ./
COPY schema/package.json schema/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
# Everything for the build in /app; the server's production dependencies alone in /prod (no client,
# e2e or build tooling: ws, leveldown, yjs, y-protocols, lib0, pino, prom-client, jose, and the
# conversions' Tiptap packages with the shared schema package @tandem/schema).
# No install scripts: nothing needs one (esbuild, rolldown and lightningcss ship per-platform
# packages; leveldown loads its bundled linux-x64 glibc prebuild through node-gyp-build).
RUN if [ -n "$EXTRA_CA_CERTS" ]; then \
      printf '%s\n' "$EXTRA_CA_CERTS" > /tmp/extra-ca.pem && export NODE_EXTRA_CA_CERTS=/tmp/extra-ca.pem; \
    fi \
 && npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir -p /prod/schema /prod/server /prod/client /prod/e2e \
 && cp package.json package-lock.json /prod/ \
 && for w in schema server client e2e; do cp $w/package.json /prod/$w/; done \
 && cd /prod && npm ci --omit=dev --workspace server --workspace schema --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -f /tmp/extra-ca.pem

# ---------------------------------------------------------------------------------------------
FROM deps AS build
COPY scripts/build.mjs scripts/generated.mjs scripts/
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

COPY --from=deps /prod/ ./
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
