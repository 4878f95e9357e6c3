import { readFileSync } from "node:fs";
import { durationSeconds, HONOURED_AWS_SETTINGS, parseAwsSettings, regionForCluster, UNSUPPORTED_AWS_SETTINGS } from "./aws-settings";

/** Config as the CLI hands it over: strings, with lists/objects/booleans as JSON. */
const fromConfig = (config: Record<string, string>) => parseAwsSettings({}, (key) => config[key]);
const CLUSTER = "arn:aws:rds:eu-west-1:123456789012:cluster:db";

describe("parseAwsSettings", () => {
    it("should read only keys pulumi-aws 7 really has (its config/vars.d.ts)", () => {
        const vars = readFileSync(require.resolve("@pulumi/aws/config/vars.d.ts"), "utf8");
        const declared = [...vars.matchAll(/export declare const (\w+):/g)].map((m) => m[1]);
        expect([...HONOURED_AWS_SETTINGS, ...Object.keys(UNSUPPORTED_AWS_SETTINGS)].filter((k) => !declared.includes(k))).toEqual([]);
    });

    it("should decode the provider's shapes: role chain with durations and tags, endpoint aliases, flags and account lists", () => {
        const settings = fromConfig({
            region: "eu-west-1",
            assumeRoles: JSON.stringify([
                {
                    roleArn: "arn:aws:iam::1:role/a",
                    duration: "1h30m",
                    tags: { team: "platform" },
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                },
                { roleArn: "arn:aws:iam::1:role/b", duration: "900s", transitiveTagKeys: ["team"] },
            ]),
            endpoints: JSON.stringify([
                { ec2: "https://ec2.example" },
                { rdsdataservice: "https://rds-data.example", sts: "https://sts.example" },
            ]),
            useFipsEndpoint: "true",
            allowedAccountIds: JSON.stringify(["123456789012"]),
            defaultTags: JSON.stringify({ tags: { a: "b" } }),
            skipCredentialsValidation: "true",
        });
        expect(settings).toMatchObject({
            region: "eu-west-1",
            assumeRoles: [
                {
                    roleArn: "arn:aws:iam::1:role/a",
                    durationSeconds: 5400,
                    tags: { team: "platform" },
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                },
                { roleArn: "arn:aws:iam::1:role/b", durationSeconds: 900, transitiveTagKeys: ["team"] },
            ],
            rdsDataEndpoint: "https://rds-data.example",
            stsEndpoint: "https://sts.example",
            useFipsEndpoint: true,
            allowedAccountIds: ["123456789012"],
        });
    });

    it("should list every problem at once, each naming its key", () => {
        expect(() =>
            fromConfig({
                sharedCredentialsFiles: JSON.stringify(["/a", "/b"]),
                assumeRoles: JSON.stringify([{ roleArn: "arn:aws:iam::1:role/a", duration: "soon" }]),
                accessKey: "AKIAONLYHALF",
                ec2MetadataServiceEndpoint: "http://169.254.169.254",
            }),
        ).toThrow(
            "the stack's aws: config cannot be honoured by the database bootstrap: " +
                "`aws:ec2MetadataServiceEndpoint` is set, but the bootstrap's credential chain uses the default instance metadata endpoint, so it cannot call AWS the way the provider does; unset it for this stack. " +
                "`aws:accessKey` and `aws:secretKey` must be set together. " +
                '`aws:assumeRoles`[0].duration must be a duration such as "1h" or "15m" (got "soon"). ' +
                "`aws:sharedCredentialsFiles` lists 2 files; the bootstrap's SDK reads one, so list only the file that holds the profile.",
        );
    });

    it("should accept insecure=false, the provider's default, but refuse insecure=true", () => {
        expect(() => fromConfig({ insecure: "false" })).not.toThrow();
        expect(() => fromConfig({ insecure: "true" })).toThrow("`aws:insecure` is set, but the bootstrap always verifies TLS certificates");
    });

    it("should refuse an inline web identity token on an explicit provider (a credential), but take a token file", () => {
        const web = (v: object) => parseAwsSettings({ provider: "ci" }, (key) => (key === "assumeRoleWithWebIdentity" ? v : undefined));
        expect(() => web({ roleArn: "arn:aws:iam::1:role/ci", webIdentityToken: "eyJ…" })).toThrow(
            '`assumeRoleWithWebIdentity` of the aws.Provider "ci".webIdentityToken is a credential and cannot reach the bootstrap; use webIdentityTokenFile.',
        );
        expect(web({ roleArn: "arn:aws:iam::1:role/ci", webIdentityTokenFile: "/var/run/token" }).webIdentity).toMatchObject({
            roleArn: "arn:aws:iam::1:role/ci",
            webIdentityTokenFile: "/var/run/token",
        });
    });

    it("should read Go durations as the provider writes them", () => {
        expect(["1h", "15m", "1h30m", "45s", "2h0m30s", "", "1d", "15"].map(durationSeconds)).toEqual([
            3600,
            900,
            5400,
            45,
            7230,
            undefined,
            undefined,
            undefined,
        ]);
    });
});

describe("regionForCluster", () => {
    it("should take aws:region, else AWS_REGION / AWS_DEFAULT_REGION as the provider does, else the cluster's", () => {
        expect(regionForCluster(fromConfig({ region: "eu-west-1" }), CLUSTER, {})).toBe("eu-west-1");
        expect(regionForCluster(fromConfig({}), CLUSTER, { AWS_DEFAULT_REGION: "eu-west-1" })).toBe("eu-west-1");
        expect(regionForCluster(fromConfig({}), CLUSTER, {})).toBe("eu-west-1");
        expect(() => regionForCluster(fromConfig({}), CLUSTER, { AWS_REGION: "us-east-1" })).toThrow(
            `AWS_REGION is us-east-1 but the cluster ${CLUSTER} is in eu-west-1`,
        );
    });

    it("should refuse a cluster in an account the settings do not allow, or forbid", () => {
        expect(() => regionForCluster(fromConfig({ allowedAccountIds: '["111122223333"]' }), CLUSTER, {})).toThrow(
            `The cluster ${CLUSTER} is in account 123456789012, which the stack's aws: config does not list in allowedAccountIds.`,
        );
        expect(() => regionForCluster(fromConfig({ forbiddenAccountIds: '["123456789012"]' }), CLUSTER, {})).toThrow(
            `The cluster ${CLUSTER} is in account 123456789012, which the stack's aws: config lists in forbiddenAccountIds.`,
        );
    });
});
