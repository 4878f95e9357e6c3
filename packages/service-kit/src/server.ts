import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { createHttpTerminator } from "http-terminator";
import type { Logger } from "./logger";

export interface RunningServer {
  readonly server: http.Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` — handy for tests. */
  readonly url: string;
  /**
   * Graceful stop: stop accepting connections, let in-flight requests finish (up to the grace period),
   * then run the `onClose` hooks (close pools). Idempotent.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly app: Express;
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly gracePeriodMs: number;
  /** Run after the HTTP server has drained, in order (e.g. close DB pools). */
  readonly onClose?: ReadonlyArray<() => Promise<void> | void>;
}

export async function startHttpServer(options: StartOptions): Promise<RunningServer> {
  const server = http.createServer(options.app);
  // Behind App Runner / ALB idle timeouts are 60 s; keep our keep-alive slightly longer to avoid races.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: options.gracePeriodMs });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, "listening");

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      options.logger.info("shutting down: draining in-flight requests");
      await terminator.terminate();
      for (const hook of options.onClose ?? []) {
        try {
          await hook();
        } catch (err) {
          options.logger.error({ err }, "error while closing a resource");
        }
      }
      options.logger.info("shutdown complete");
    })();
    return stopping;
  };
  return { server, port, url: `http://127.0.0.1:${port}`, stop };
}

/**
 * Wires SIGTERM/SIGINT to a graceful stop and exits 0 when it completes; exits 1 if draining outlives the
 * grace period plus a margin (the platform would SIGKILL us anyway).
 */
export function exitOnSignals(running: Pick<RunningServer, "stop">, logger: Logger, gracePeriodMs: number): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, "signal received");
    const watchdog = setTimeout(() => {
      logger.error("graceful shutdown timed out");
      process.exit(1);
    }, gracePeriodMs + 5_000);
    watchdog.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

/** Entry-point wrapper: logs a start-up failure (e.g. a ConfigError naming the variable) and exits 1. */
export function runMain(main: () => Promise<void>, logger: Pick<Logger, "fatal">): void {
  main().catch((err: unknown) => {
    logger.fatal({ err: err instanceof Error ? { message: err.message, name: err.name } : err }, "failed to start");
    process.exit(1);
  });
}
