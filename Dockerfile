# syntax=docker/dockerfile:1
# One Dockerfile for the four services in apps/ (products-api, catalogue-api, visits-api,
# private-service). Build from the REPOSITORY ROOT: the apps depend on the packages/service-kit
# workspace, and the root .dockerignore allow-lists exactly what the build needs.
#   docker build --build-arg APP=catalogue-api -t catalogue-api --platform linux/amd64 .
# ContainerImage passes APP as a build arg (part of the image tag's hash).
ARG NODE_IMAGE=node:24-bookworm-slim

# Every workspace manifest plus the lockfile, so `npm ci` sees the workspace set package-lock.json
# records; the install below stays cached until a manifest or the lock changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /manifests/ \; \
 && cp package-lock.json /manifests/

# The apps' dependencies (build tools included), installed once for all four apps: the layer does not
# depend on APP, so building the four images runs `npm ci` once. Only dist/ leaves this stage.
FROM ${NODE_IMAGE} AS build
WORKDIR /repo
COPY --from=manifests /manifests/ ./
RUN npm ci --workspace=apps --ignore-scripts --no-audit --no-fund
ARG APP
RUN test -n "$APP" && test -f "apps/$APP/package.json" || { echo "build with --build-arg APP=<one of: $(ls apps | tr '\n' ' ')>" >&2; exit 1; }
COPY tsconfig.json ./
COPY packages/service-kit/ packages/service-kit/
COPY apps/${APP}/ apps/${APP}/
# bundle.js: the app and the uninstrumented dependencies bundled into dist/server.js, the OpenTelemetry preload
# dist/tracing.js, and in dist/node_modules only the files of what the instrumentations hook (express, pg, mysql2,
# pino, the AWS SDK) and of the SDK itself (docs/tracing.md says why and what it costs).
RUN npm run build --workspace=apps/${APP}

# Runtime: the Node 24 base and dist/. No npm install, nothing written at start (runs with a read-only root
# filesystem). Non-root by numeric id (the base image's `node` user), so Kubernetes' runAsNonRoot can verify it.
# No HEALTHCHECK: the platforms check /health themselves.
# Tracing is off unless the platform's component switches it on (OTEL_SDK_DISABLED=false plus the exporter's
# OTEL_* variables, docs/tracing.md); off, the preload returns before loading any OpenTelemetry package.
FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production PORT=8080 OTEL_SERVICE_NAME=${APP} OTEL_SDK_DISABLED=true
WORKDIR /srv
COPY --from=build --chown=root:root /repo/apps/${APP}/dist/ ./
USER 1000:1000
EXPOSE 8080
CMD ["node", "--require", "./tracing.js", "server.js"]
