import { errorOf, promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
let DynamoTable: typeof import("./dynamodb-table").DynamoTable;

beforeAll(async () => {
    ({ DynamoTable } = await import("./dynamodb-table"));
});
beforeEach(() => mocks.reset());

describe("DynamoTable", () => {
    it("should create an on-demand, encrypted table with point-in-time recovery keyed by the caller's hash key", async () => {
        const table = new DynamoTable("orders", { hashKey: "orderId", tags: { team: "a" } });
        await settle();
        expect(mocks.one("aws:dynamodb/table:Table").inputs).toMatchObject({
            billingMode: "PAY_PER_REQUEST",
            hashKey: "orderId",
            attributes: [{ name: "orderId", type: "S" }],
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: { enabled: true },
            deletionProtectionEnabled: false,
            tags: { team: "a" },
        });
        expect(await promiseOf(table.tableName)).toBe(mocks.one("aws:dynamodb/table:Table").state.name);
    });

    it("should refuse a table without a hash key instead of assuming one app's key", async () => {
        expect(await errorOf(() => new DynamoTable("orders", {} as never))).toBe(
            'DynamoTable "orders": `hashKey` must be 1-255 characters of letters, digits, _ . - (got nothing).',
        );
        expect(await errorOf(() => new DynamoTable("orders", { hashKey: "order id" }))).toBe(
            'DynamoTable "orders": `hashKey` must be 1-255 characters of letters, digits, _ . - (got "order id").',
        );
        await settle();
        expect(mocks.byType("aws:dynamodb/table:Table")).toHaveLength(0);
    });

    it("should grant exactly the caller's actions on this table only, under a Sid named after the table", async () => {
        const table = new DynamoTable("eks-orders", { hashKey: "orderId" });
        const [statement, ...rest] = table.statements(["dynamodb:GetItem", "dynamodb:Query"]);
        await settle();
        expect(rest).toEqual([]);
        expect(statement.sid).toBe("DynamoTableEksOrders");
        expect(statement.actions).toEqual(["dynamodb:GetItem", "dynamodb:Query"]);
        expect(await promiseOf(statement.resources[0] as never)).toBe(mocks.one("aws:dynamodb/table:Table").state.arn);
    });

    it.each([
        ["no actions", [], "`statements(actions)` must be a non-empty list of action names (got a list [])."],
        ["a wildcard", ["dynamodb:*"], '`statements(actions)` must list specific actions, not a wildcard (got ["dynamodb:*"]).'],
        ["another service's action", ["s3:GetObject"], '`statements(actions)` must list DynamoDB actions only (got "s3:GetObject").'],
    ])("should refuse statements with %s", async (_case, actions, message) => {
        const table = new DynamoTable("orders", { hashKey: "orderId" });
        expect(await errorOf(() => table.statements(actions))).toBe(`DynamoTable "orders": ${message}`);
        await settle();
    });
});
