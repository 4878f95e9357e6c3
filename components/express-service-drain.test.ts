/**
 * The Express drain wait: `retireExpressService` against ECS's answers (statuses and error names as the service
 * and the provider read them), and the serialized provider run as Pulumi's dynamic-provider host runs it,
 * against a loopback ECS stand-in speaking ECS's wire protocol (awsJson1_1: `X-Amz-Target`, `__type` errors).
 */
import { retireExpressService, type ExpressCall } from "./express-service-drain";
import { closeStandIns, hostedProvider, isolateAwsEnvironment, standIn, type Answer } from "./testing/dynamic-host.test-util";
import { settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
// Serializing the provider takes seconds on a loaded 2-core machine.
jest.setTimeout(60_000);

const ARN = "arn:aws:ecs:eu-west-1:123456789012:service/catalogue-api-cluster-1a2b3c4/catalogue-api-dev-0f1e2d";

/** An ECS service error as the SDK surfaces it (the name is the exception's, as `errs.IsA` reads it). */
const ecsError = (name: string, message: string) => Object.assign(new Error(message), { name });
const described = (statusCode: string) => ({ service: { serviceArn: ARN, status: { statusCode } } });

/** A scripted ECS: each call answers the next entry for its operation (the last one repeats). */
function scripted(answers: { delete: unknown[]; describe: unknown[] }): { call: ExpressCall; calls: string[] } {
    const calls: string[] = [];
    const next = (list: unknown[], n: number) => list[Math.min(n, list.length - 1)];
    const call: ExpressCall = async (operation) => {
        calls.push(operation);
        const n = calls.filter((c) => c === operation).length - 1;
        const answer = next(operation === "DeleteExpressGatewayService" ? answers.delete : answers.describe, n);
        if (answer instanceof Error) throw answer;
        return answer;
    };
    return { call, calls };
}

/** A clock that moves only when the wait sleeps. */
function fakeTime(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { now: () => t, sleep: async (ms) => void ((t += ms), slept.push(ms)), slept };
}

describe("retireExpressService", () => {
    it("should delete the service and poll until ECS reports it INACTIVE, not stop at DRAINING as the provider's delete does", async () => {
        const ecs = scripted({
            delete: [described("DRAINING")],
            describe: [described("DRAINING"), described("DRAINING"), described("INACTIVE")],
        });
        const time = fakeTime();
        await retireExpressService(ecs.call, ARN, { ...time, pollSeconds: 15 });
        expect(ecs.calls).toEqual([
            "DeleteExpressGatewayService",
            "DescribeExpressGatewayService",
            "DescribeExpressGatewayService",
            "DescribeExpressGatewayService",
        ]);
        expect(time.slept).toEqual([15_000, 15_000]);
    });

    it("should wait for a service already DRAINING or INACTIVE (ECS answers its delete with ServiceNotActiveException)", async () => {
        for (const status of ["DRAINING", "INACTIVE"]) {
            const ecs = scripted({
                delete: [ecsError("ServiceNotActiveException", `Service is in ${status} status`)],
                describe: [described(status), described("INACTIVE")],
            });
            await retireExpressService(ecs.call, ARN, fakeTime());
            expect(ecs.calls.at(-1)).toBe("DescribeExpressGatewayService");
        }
    });

    it("should count a service ECS no longer knows as retired (the provider reads InvalidParameterException 'Resource not found' so)", async () => {
        const gone = ecsError("InvalidParameterException", "Resource not found: the service does not exist");
        const ecs = scripted({ delete: [gone], describe: [gone] });
        await expect(retireExpressService(ecs.call, ARN, fakeTime())).resolves.toBeUndefined();
        const notFound = scripted({ delete: [described("DRAINING")], describe: [ecsError("ResourceNotFoundException", "not found")] });
        await expect(retireExpressService(notFound.call, ARN, fakeTime())).resolves.toBeUndefined();
    });

    it("should fail naming the service, its status and the way out when it is still draining after the bound", async () => {
        const ecs = scripted({ delete: [described("DRAINING")], describe: [described("DRAINING")] });
        const time = fakeTime();
        await expect(retireExpressService(ecs.call, ARN, { ...time, timeoutSeconds: 60, pollSeconds: 15 })).rejects.toThrow(
            `ECS Express service ${ARN} is still DRAINING 60 s after its delete: its load balancer, security groups and certificate may still exist, so the resources it uses were not deleted. Run the same \`pulumi destroy\` (or \`up\`) again once \`aws ecs describe-express-gateway-service --service-arn ${ARN}\` reports INACTIVE.`,
        );
        expect(time.slept).toEqual([15_000, 15_000, 15_000, 15_000]);
    });

    it("should fail at once on any other error (a missing permission is not a retired service)", async () => {
        const denied = ecsError("AccessDeniedException", "not authorized to perform: ecs:DeleteExpressGatewayService");
        const ecs = scripted({ delete: [denied], describe: [described("ACTIVE")] });
        await expect(retireExpressService(ecs.call, ARN, fakeTime())).rejects.toThrow("not authorized");
        expect(ecs.calls).toEqual(["DeleteExpressGatewayService"]);
    });
});

describe("the drain wait's provider, run as the dynamic-provider host runs it", () => {
    let providerText: string;
    beforeAll(async () => {
        const { ExpressServiceDrain } = await import("./express-service-drain");
        new ExpressServiceDrain("catalogue-api-drain", { serviceArn: ARN, pollSeconds: 0.01 });
        await settle();
        providerText = mocks.one("pulumi-nodejs:dynamic/serverless-containers:ExpressServiceDrain").inputs.__provider;
    });
    afterAll(closeStandIns);
    isolateAwsEnvironment("express-drain-");

    /** ECS's awsJson1_1 answers: 200 with the JSON output, or 400 with `__type` and the message. */
    const ok = (body: object): Answer => ({
        status: 200,
        headers: { "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify(body),
    });
    const fault = (type: string, message: string): Answer => ({
        status: 400,
        headers: { "content-type": "application/x-amz-json-1.1" },
        body: JSON.stringify({ __type: type, message }),
    });

    it("should delete, then describe until INACTIVE, signed as the stack's identity for the service's region, at aws:endpoints' ecs URL", async () => {
        const statuses = ["DRAINING", "DRAINING", "INACTIVE"];
        const ecs = await standIn((req) => {
            const operation = String(req.headers["x-amz-target"]).split(".").pop();
            if (operation === "DeleteExpressGatewayService") return ok(described("DRAINING"));
            return ok(described(statuses.shift() ?? "INACTIVE"));
        });
        const provider = await hostedProvider(providerText, {
            "aws:region": "eu-west-1",
            "aws:accessKey": "AKIASTACKDEPLOY",
            "aws:secretKey": "stack-secret",
            "aws:endpoints": JSON.stringify([{ ecs: ecs.url }]),
        });
        await provider.delete!(ARN, {
            serviceArn: ARN,
            pollSeconds: 0.01,
            awsConfigKeys: ["aws:accessKey", "aws:endpoints", "aws:region", "aws:secretKey"],
        });
        expect(ecs.requests.map((r) => [String(r.headers["x-amz-target"]), r.signedBy, JSON.parse(r.body)])).toEqual([
            [
                "AmazonEC2ContainerServiceV20141113.DeleteExpressGatewayService",
                { accessKeyId: "AKIASTACKDEPLOY", region: "eu-west-1", service: "ecs" },
                { serviceArn: ARN },
            ],
            ...[1, 2, 3].map(() => [
                "AmazonEC2ContainerServiceV20141113.DescribeExpressGatewayService",
                { accessKeyId: "AKIASTACKDEPLOY", region: "eu-west-1", service: "ecs" },
                { serviceArn: ARN },
            ]),
        ]);
    });

    it("should treat ECS's ServiceNotActiveException on the delete as a service on its way out, and wait", async () => {
        const ecs = await standIn((req) =>
            String(req.headers["x-amz-target"]).endsWith("DeleteExpressGatewayService")
                ? fault("ServiceNotActiveException", "Service is in DRAINING status")
                : ok(described("INACTIVE")),
        );
        const provider = await hostedProvider(providerText, {
            "aws:region": "eu-west-1",
            "aws:accessKey": "AKIASTACKDEPLOY",
            "aws:secretKey": "stack-secret",
            "aws:endpoints": JSON.stringify([{ ecs: ecs.url }]),
        });
        await provider.delete!(ARN, { serviceArn: ARN, pollSeconds: 0.01, awsConfigKeys: [] });
        expect(ecs.requests).toHaveLength(2);
    });

    it("should refuse, naming the setting, when aws:region is not the service's region", async () => {
        const provider = await hostedProvider(providerText, { "aws:region": "us-east-1", "aws:accessKey": "AKIA", "aws:secretKey": "s" });
        await expect(provider.delete!(ARN, { serviceArn: ARN, awsConfigKeys: [] })).rejects.toThrow(
            `\`aws:region\` is us-east-1 but the Express service ${ARN} is in eu-west-1: the drain wait would call ECS of another region.`,
        );
    });

    it("should say what to do by hand when the stack's aws: settings cannot be reproduced (a proxy), and not block the preview", async () => {
        const provider = await hostedProvider(providerText, { "aws:region": "eu-west-1", "aws:httpProxy": "http://proxy.internal:3128" });
        expect(provider.check).toBeUndefined();
        await expect(provider.delete!(ARN, { serviceArn: ARN, awsConfigKeys: ["aws:httpProxy", "aws:region"] })).rejects.toThrow(
            `the stack's aws: config cannot be honoured by the Express drain wait: \`aws:httpProxy\` is set, but its HTTPS client does not go through a proxy, so it cannot call AWS the way the provider does; unset it for this stack. So it cannot delete ${ARN} and wait for it: run \`aws ecs delete-express-gateway-service --service-arn ${ARN}\``,
        );
    });
});
