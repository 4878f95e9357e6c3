/**
 * The checks every service shares (service/network.ts, environment.ts, shapes.ts, options.ts): what
 * web-service.test.ts held before web-service.ts was split by concern.
 */
import { promiseOf, settle, setupMocks } from "../testing/mocks";

const mocks = setupMocks();
let network: typeof import("./network");
let environment: typeof import("./environment");
let shapes: typeof import("./shapes");
let options: typeof import("./options");
beforeAll(async () => {
    network = await import("./network");
    environment = await import("./environment");
    shapes = await import("./shapes");
    options = await import("./options");
});
beforeEach(() => mocks.reset());

describe("service checks", () => {
    it("should list every problem of an egress rule, each naming the rule's field", () => {
        expect(
            network
                .egressRuleProblems("network.egress[1]", { port: "443", securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0" })
                .filter(Boolean),
        ).toEqual([
            '`network.egress[1].port` must be an integer between 1 and 65535 (got the string "443").',
            "`network.egress[1]` must set exactly one of securityGroupId or cidrIpv4.",
            "`network.egress[1].description` must say why the egress exists (got nothing).",
        ]);
        expect(
            network.egressRuleProblems("r", { port: 5432, securityGroupId: "sg-1", description: "to the proxy" }).filter(Boolean),
        ).toEqual([]);
    });

    it("should accept outputs where strings and lists are expected, since their values are checked once known", async () => {
        const pulumi = await import("@pulumi/pulumi");
        expect(shapes.stringProblem("network.vpc.vpcId", pulumi.output("vpc-1"), true)).toBeUndefined();
        expect(shapes.listProblem("network.vpc.subnetIds", pulumi.output(["subnet-a"]), true)).toBeUndefined();
        expect(shapes.stringProblem("network.vpc.vpcId", 5, true)).toBe("`network.vpc.vpcId` must be a string (got number 5).");
        expect(environment.imageProblem("image", pulumi.output("repo:latest"))).toBeUndefined();
    });

    it("should refuse environment names a process cannot have, and a name in both maps", () => {
        expect(
            environment
                .environmentProblems({ "1X": "a", DB_HOST: "h" }, { DB_HOST: "arn:aws:secretsmanager:us-east-1:1:secret:x" })
                .filter(Boolean),
        ).toEqual([
            'Environment variable name "1X" is not valid: use letters, digits and _ and do not start with a digit.',
            "`DB_HOST` is in both `environment` and `secrets`; keep it in one.",
        ]);
    });

    it("should hand a single dependsOn resource and a list on to a child alike", async () => {
        const aws = await import("@pulumi/aws");
        const pulumi = await import("@pulumi/pulumi");
        const topic = new aws.sns.Topic("ready");
        const policy = new aws.sns.Topic("policy");
        expect(options.withDependsOn({ dependsOn: topic }, [policy])).toEqual([policy, topic]);
        expect(options.withDependsOn({ dependsOn: [topic] }, [])).toEqual([topic]);
        expect(options.withDependsOn(undefined, [policy])).toEqual([policy]);
        const fromOutput = options.withDependsOn({ dependsOn: pulumi.output([topic]) as never }, [policy]);
        expect(await promiseOf(fromOutput as never)).toHaveLength(2);
        await settle();
    });
});
