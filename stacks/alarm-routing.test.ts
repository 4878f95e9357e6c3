import { promiseOf, settle, setupMocks } from "../components/testing";
import { parseConfig } from "./config";
import { rawStackConfig } from "./testing";

const mocks = setupMocks();
let stackMonitoring: typeof import("./alarm-routing").stackMonitoring;
beforeAll(async () => {
    ({ stackMonitoring } = await import("./alarm-routing"));
});
beforeEach(() => mocks.reset());

const configOf = (stack: "dev" | "staging" | "prod", extra: Record<string, string> = {}) =>
    parseConfig({ ...rawStackConfig(stack), ...extra }, stack);

describe("stackMonitoring", () => {
    it("should route nothing in dev when nothing is configured, and create no topic", async () => {
        const m = stackMonitoring(configOf("dev"));
        await settle();
        expect(m.actions).toEqual({ page: undefined, ticket: undefined });
        expect(mocks.byType("aws:sns/topic:Topic")).toHaveLength(0);
    });

    it.each(["staging", "prod"] as const)(
        "should create a page and a ticket topic in %s when none is configured, once per program",
        async (stack) => {
            const config = configOf(stack);
            const m = stackMonitoring(config);
            expect(stackMonitoring(config)).toBe(m);
            await settle();
            const topics = mocks.byType("aws:sns/topic:Topic");
            expect(topics.map((t) => t.name).sort()).toEqual(["alarms-page", "alarms-ticket"]);
            expect(topics[0].inputs.tags).toMatchObject({ environment: stack });
            expect(await promiseOf(m.actions.page![0])).toBe(mocks.one("aws:sns/topic:Topic", "alarms-page").state.arn);
            expect(mocks.byType("aws:sns/topicSubscription:TopicSubscription")).toHaveLength(0);
        },
    );

    it("should use a configured topic as is, subscribe a configured address to a created topic, and pass the runbook URL", async () => {
        const own = "arn:aws:sns:us-east-1:123456789012:oncall";
        const m = stackMonitoring(
            configOf("prod", {
                alarmPageTopicArn: own,
                alarmTicketEmail: "team@example.com",
                runbookUrl: "https://git.example.com/runbooks.md",
            }),
        );
        await settle();
        expect(m.actions.page).toEqual([own]);
        expect(m.runbookUrl).toBe("https://git.example.com/runbooks.md");
        expect(mocks.byType("aws:sns/topic:Topic").map((t) => t.name)).toEqual(["alarms-ticket"]);
        expect(mocks.one("aws:sns/topicSubscription:TopicSubscription").inputs).toMatchObject({
            protocol: "email",
            endpoint: "team@example.com",
            topic: mocks.one("aws:sns/topic:Topic").state.arn,
        });
        expect(mocks.one("aws:sns/topicSubscription:TopicSubscription").state.pendingConfirmation).toBe(true);
    });

    it("should route a dev stack to an address when one is given", async () => {
        const m = stackMonitoring(configOf("dev", { alarmPageEmail: "me@example.com" }));
        await settle();
        expect(m.actions.page).toHaveLength(1);
        expect(m.actions.ticket).toBeUndefined();
    });
});
