/**
 * DynamoDB table for a service: on-demand billing, point-in-time recovery, server-side encryption, and
 * the least-privilege statement a service needs to use *this* table with the actions the caller names (never `*`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyStatementProblems, type PolicyStatement } from "./iam";
import { throwIfAny } from "./limits";
import { componentType, withFormerTypes } from "./component";
import { checkArguments } from "./arguments";
import { monitor, monitoringProblems, type Monitoring } from "./observability";
import { DEFAULT_TABLE_OPERATIONS, tableAlarms, tableOperationsProblems, type DynamoOperation } from "./observability/data";

export interface DynamoTableArgs {
    /** Partition key attribute (a string attribute): the key the app reads and writes items by, e.g. "productId". */
    readonly hashKey: string;
    /**
     * Refuse `pulumi destroy` of the table and any change that would replace it, such as a new `hashKey` (prod):
     * DynamoDB deletion protection and Pulumi `protect`. @default false
     */
    readonly deletionProtection?: boolean;
    /**
     * The DynamoDB operations the app calls (`GetItem`, `PutItem`, `Query`, `Scan` …, at most 10): each gets a latency
     * alarm, and their internal errors are alarmed together. @default ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"]
     */
    readonly operations?: string[];
    /**
     * Alarms on internal errors, read and write throttling and latency per operation, routed by severity
     * (docs/monitoring.md lists them). Pass `dashboardWidgets` to the service's `monitoring.widgets` to draw them on
     * its dashboard. `{ enabled: false }` creates none. @default every alarm, notifying no one
     */
    readonly monitoring?: Monitoring;
    /** Tags for the table. */
    readonly tags?: Record<string, string>;
}

/** The statement id `statements` uses for a table component named `name`: letters and digits only, unique per table. */
export function tableStatementId(name: string): string {
    const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
    return `DynamoTable${words.map((w) => w[0].toUpperCase() + w.slice(1)).join("")}`;
}

/** The component name, for `statements` (kept off the instance: every instance property is a schema output). */
const names = new WeakMap<DynamoTable, string>();

/** A DynamoDB table with on-demand billing, point-in-time recovery and encryption, and least-privilege IAM statements for a service that uses it. */
export class DynamoTable extends pulumi.ComponentResource {
    /** The table's name (what the app is given, e.g. as TABLE_NAME). */
    public readonly tableName: pulumi.Output<string>;
    /** The table's ARN (what `statements` grants on). */
    public readonly tableArn: pulumi.Output<string>;
    /**
     * The table's dashboard section, drawn from the same definitions as its alarms (a JSON array of CloudWatch
     * dashboard widgets; "[]" when `monitoring.enabled` is false): pass it in a service's `monitoring.widgets`.
     */
    public readonly dashboardWidgets: pulumi.Output<string>;

    constructor(name: string, args: DynamoTableArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("DynamoTable"), name, {}, withFormerTypes(opts, "serverless-containers:data:DynamoTable"));
        checkArguments("DynamoTable", name, args, this);
        const hashKey = args?.hashKey;
        throwIfAny(
            "DynamoTable",
            name,
            [
                typeof hashKey === "string" && /^[A-Za-z0-9_.-]{1,255}$/.test(hashKey)
                    ? undefined
                    : `\`hashKey\` must be 1-255 characters of letters, digits, _ . - (got ${JSON.stringify(hashKey) ?? "nothing"}).`,
                ...tableOperationsProblems(args?.operations),
                ...monitoringProblems(args?.monitoring, false),
            ],
            this,
        );
        names.set(this, name);
        const deletionProtection = args.deletionProtection ?? false;
        const table = new aws.dynamodb.Table(
            `${name}-table`,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey,
                attributes: [{ name: hashKey, type: "S" }],
                pointInTimeRecovery: { enabled: true },
                serverSideEncryption: { enabled: true },
                deletionProtectionEnabled: deletionProtection,
                tags: args.tags,
            },
            // A new hashKey replaces the table: the new (empty) one is created and the app moved onto it before the old
            // one's delete, which deletion protection refuses. Pulumi protect refuses the replacement up front instead
            // (as AuroraWithProxy does for its cluster).
            { parent: this, protect: deletionProtection },
        );
        this.tableName = table.name;
        this.tableArn = table.arn;
        const operations = (args.operations ?? DEFAULT_TABLE_OPERATIONS) as readonly DynamoOperation[];
        const realised = monitor({ name, parent: this, tags: args.tags }, args.monitoring, {
            component: "DynamoTable",
            alarms: tableAlarms({ tableName: table.name, operations }),
        });
        this.dashboardWidgets = realised?.widgets ?? pulumi.output("[]");
        this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn, dashboardWidgets: this.dashboardWidgets });
    }

    /**
     * One statement allowing exactly `actions` (specific `dynamodb:` actions, no wildcard) on this table's ARN
     * only, with the Sid `tableStatementId(name)` so two tables' statements can share a policy.
     */
    statements(actions: string[]): PolicyStatement[] {
        const name = names.get(this) as string;
        const statement: PolicyStatement = { sid: tableStatementId(name), actions: [...(actions ?? [])], resources: [this.tableArn] };
        throwIfAny(
            "DynamoTable",
            name,
            [
                ...policyStatementProblems("statements(actions)", [statement]).map((p) =>
                    p.replace("`statements(actions)[0].actions`", "`statements(actions)`"),
                ),
                ...(actions ?? [])
                    .filter((a) => !a.startsWith("dynamodb:"))
                    .map((a) => `\`statements(actions)\` must list DynamoDB actions only (got "${a}").`),
            ],
            this,
        );
        return [statement];
    }
}
