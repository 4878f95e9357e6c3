import { promiseOf, settle, setupMocks } from "./testing/mocks";

const mocks = setupMocks();
let ws: typeof import("./web-service");
beforeAll(async () => {
    ws = await import("./web-service");
});
beforeEach(() => mocks.reset());

describe("web-service shared checks", () => {
    it("should list every problem of an egress rule, each naming the rule's field", () => {
        expect(
            ws.egressRuleProblems("vpc.egress[1]", { port: "443", securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0" }).filter(Boolean),
        ).toEqual([
            '`vpc.egress[1].port` must be an integer between 1 and 65535 (got the string "443").',
            "`vpc.egress[1]` must set exactly one of securityGroupId or cidrIpv4.",
            "`vpc.egress[1].description` must say why the egress exists (got nothing).",
        ]);
        expect(ws.egressRuleProblems("r", { port: 5432, securityGroupId: "sg-1", description: "to the proxy" }).filter(Boolean)).toEqual(
            [],
        );
    });

    it("should accept outputs where strings and lists are expected, since their values are checked once known", async () => {
        const pulumi = await import("@pulumi/pulumi");
        expect(
            ws.serviceVpcProblems("vpc", { vpcId: pulumi.output("vpc-1"), subnetIds: pulumi.output(["subnet-a"]) }).filter(Boolean),
        ).toEqual([]);
        expect(ws.imageProblem("image", pulumi.output("repo:latest"))).toBeUndefined();
    });

    it("should refuse environment names a process cannot have, and a name in both maps", () => {
        expect(
            ws.environmentProblems({ "1X": "a", DB_HOST: "h" }, { DB_HOST: "arn:aws:secretsmanager:us-east-1:1:secret:x" }).filter(Boolean),
        ).toEqual([
            'Environment variable name "1X" is not valid: use letters, digits and _ and do not start with a digit.',
            "`DB_HOST` is in both `environment` and `environmentSecrets`; keep it in one.",
        ]);
    });

    it("should hand a single dependsOn resource and a list on to a child alike", async () => {
        const aws = await import("@pulumi/aws");
        const pulumi = await import("@pulumi/pulumi");
        const topic = new aws.sns.Topic("ready");
        const policy = new aws.sns.Topic("policy");
        expect(ws.withDependsOn({ dependsOn: topic }, [policy])).toEqual([policy, topic]);
        expect(ws.withDependsOn({ dependsOn: [topic] }, [])).toEqual([topic]);
        expect(ws.withDependsOn(undefined, [policy])).toEqual([policy]);
        const fromOutput = ws.withDependsOn({ dependsOn: pulumi.output([topic]) as never }, [policy]);
        expect(await promiseOf(fromOutput as never)).toHaveLength(2);
        await settle();
    });
});
