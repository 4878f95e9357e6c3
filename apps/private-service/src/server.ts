import { createLogger, runService, startHttpServer, type RunningServer } from "@serverless-containers/service-kit";
import { buildApp } from "./app";
import { loadPrivateServiceConfig } from "./config";
import { TaskMetadataClient } from "./data/task-metadata";

export async function startPrivateService(env: Readonly<Record<string, string | undefined>> = process.env): Promise<RunningServer> {
    const config = loadPrivateServiceConfig(env);
    const logger = createLogger("private-service", config.logLevel);
    if (config.metadataUri === undefined) logger.warn("ECS_CONTAINER_METADATA_URI_V4 is not set: GET / will answer 503");
    return startHttpServer({
        app: buildApp({
            metadata: new TaskMetadataClient(config.metadataUri, config.metadataTimeoutMs),
            logger,
            readinessTimeoutMs: config.readinessTimeoutMs,
        }),
        port: config.port,
        logger,
        gracePeriodMs: config.shutdownGraceMs,
        requestDeadlineMs: config.requestDeadlineMs,
    });
}

if (require.main === module) {
    runService(() => startPrivateService(), createLogger("private-service"));
}
