// Edge cases of the shared helpers that the control tables don't spell out.
import {
    UNKNOWN,
    asArray,
    asRecord,
    coversPort,
    get,
    imageRefKind,
    ingressRules,
    isReadOnlyAction,
    parseJson,
    portsBeyond,
    statements,
} from "./util";

describe("get", () => {
    it("should tell absent from present-but-unknown", () => {
        expect(get({ a: { b: 1 } }, "a.b")).toBe(1);
        expect(get({ a: {} }, "a.b")).toBeUndefined();
        expect(get({ a: { b: undefined } }, "a.b")).toBe(UNKNOWN);
        expect(get({ a: undefined }, "a.b")).toBe(UNKNOWN);
        expect(get({ a: null }, "a.b")).toBeUndefined();
        expect(get({}, "a.b")).toBeUndefined();
    });

    it("should treat an explicit null as absent", () => {
        expect(get({ a: null }, "a")).toBeUndefined();
    });
});

describe("asArray / asRecord / parseJson", () => {
    it("should normalise inputs", () => {
        expect(asArray(undefined)).toEqual([]);
        expect(asArray("x")).toEqual(["x"]);
        expect(asArray(UNKNOWN)).toBe(UNKNOWN);
        expect(parseJson(undefined)).toBe(UNKNOWN);
        expect(parseJson('{"a":1}')).toEqual({ a: 1 });
        expect(parseJson("{")).toBeInstanceOf(Error);
        expect(asRecord({ a: 1 })).toEqual({ a: 1 });
        expect(asRecord(undefined)).toEqual({});
        expect(asRecord("project=x")).toEqual({});
        expect(asRecord(["project"])).toEqual({});
    });
});

describe("imageRefKind", () => {
    it.each([
        ["repo@sha256:abc", "digest"],
        ["123.dkr.ecr.eu-west-1.amazonaws.com/app:1.2.3", "tagged"],
        ["app:latest", "latest"],
        ["app", "untagged"],
        ["localhost:5000/app", "untagged"],
        ["localhost:5000/app:v1", "tagged"],
    ])("should classify %s as %s", (ref, kind) => {
        expect(imageRefKind(ref)).toBe(kind);
    });
});

describe("ports", () => {
    const rule = (protocol: string, fromPort?: number, toPort?: number) => ({
        protocol,
        fromPort,
        toPort,
        cidrs: ["0.0.0.0/0"],
        prefixLists: 0,
    });

    it("should treat protocol -1 and tcp -1/-1 as every port", () => {
        expect(coversPort(rule("-1", 0, 0), 5432)).toBe(true);
        expect(coversPort(rule("tcp", -1, -1), 22)).toBe(true);
    });

    it("should not let ICMP cover a TCP port", () => {
        expect(coversPort(rule("icmp", 8, 0), 8)).toBe(false);
    });

    it("should report the first disallowed range", () => {
        expect(portsBeyond(rule("tcp", 80, 80), [80, 443])).toBeUndefined();
        expect(portsBeyond(rule("tcp", 80, 443), [80, 443])).toBe("ports 80-443");
        expect(portsBeyond(rule("6", 22, 22), [80, 443])).toBe("port 22");
    });

    it("should keep unknown CIDR sources as unknown", () => {
        const rules = ingressRules("aws:ec2/securityGroup:SecurityGroup", {
            ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [undefined] }],
        });
        expect(rules).toEqual([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrs: [UNKNOWN], prefixLists: 0 }]);
    });
});

describe("IAM helpers", () => {
    it.each([
        ["dynamodb:GetItem", true],
        ["s3:ListBucket", true],
        ["ecr:BatchGetImage", true],
        ["dynamodb:PutItem", false],
        ["s3:*", false],
        ["s3:Put*", false],
    ])("should judge %s read-only = %s", (action, ro) => {
        expect(isReadOnlyAction(action)).toBe(ro);
    });

    it("should read a single statement object and NotResource", () => {
        const list = statements({ Statement: { Effect: "Allow", Action: "s3:PutObject", NotResource: "arn:aws:s3:::x/*" } });
        expect(list).toEqual([expect.objectContaining({ actions: ["s3:PutObject"], resources: ["*"], notActions: false })]);
    });
});
