/**
 * Local development databases: starts a throwaway MariaDB, PostgreSQL and dynalite (the same harness the
 * tests use), creates one database per SQL service, prints the environment for each app, and keeps
 * running until Ctrl-C (then everything is stopped and deleted).
 *
 *   node -r @swc-node/register scripts/test-db/serve-local.ts
 *
 * Needs root (the servers run as OS users mysql / postgres) and `apt-get install -y postgresql mariadb-server`.
 */
import { startDynalite, startMariaDb, startPostgres } from "./index";

async function main(): Promise<void> {
  const [maria, pg, dynamo] = await Promise.all([startMariaDb({ requireManaged: true }), startPostgres({ requireManaged: true }), startDynalite()]);
  const catalogue = await maria.createDatabase("catalogue");
  const visits = await pg.createDatabase("visits");
  const line = (vars: Record<string, string | number>): string =>
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
  const ports = { products: 8081, catalogue: 8082, visits: 8083, private: 8084 };
  process.stdout.write(
    [
      "Local databases are up. Start each app in its own terminal:",
      "",
      `${line({ PORT: ports.products, TABLE_NAME: "Products", AWS_REGION: "us-east-1", RUNTIME: "local", DYNAMODB_ENDPOINT: dynamo.endpoint })} npm run dev -w apps/products-api`,
      `${line({ PORT: ports.catalogue, DB_HOST: catalogue.host, DB_PORT: catalogue.port, DB_USER: catalogue.user, DB_PASSWORD: catalogue.password, DB_NAME: catalogue.database })} npm run dev -w apps/catalogue-api`,
      `${line({ PORT: ports.private })} npm run dev -w apps/private-service`,
      `${line({ PORT: ports.visits, DB_HOST: visits.host, DB_PORT: visits.port, DB_USER: visits.user, DB_PASSWORD: visits.password, DB_NAME: visits.database, ECSPRIVATESERVICE: `http://127.0.0.1:${ports.private}` })} npm run dev -w apps/visits-api`,
      "",
      "(private-service answers 503 on GET / outside ECS unless ECS_CONTAINER_METADATA_URI_V4 points at a task metadata endpoint.)",
      "Ctrl-C stops and deletes the databases.",
      "",
    ].join("\n"),
  );
  const shutdown = async (): Promise<void> => {
    await Promise.allSettled([maria.destroy(), pg.destroy(), dynamo.destroy()]);
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
