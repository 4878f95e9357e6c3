import { iamStatements, policyStatementProblems } from "./iam";

describe("iamStatements", () => {
    it("should render the argument shape as AWS policy JSON with Allow by default and merged conditions", () => {
        expect(
            iamStatements([
                {
                    sid: "ReadOwnItems",
                    actions: ["dynamodb:GetItem"],
                    resources: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"],
                    conditions: [
                        { test: "ForAllValues:StringEquals", variable: "dynamodb:LeadingKeys", values: ["a"] },
                        { test: "ForAllValues:StringEquals", variable: "dynamodb:LeadingKeys", values: ["b"] },
                        { test: "Bool", variable: "aws:SecureTransport", values: ["true"] },
                    ],
                },
                { effect: "Deny", actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::b/*"] },
            ]),
        ).toEqual([
            {
                Sid: "ReadOwnItems",
                Effect: "Allow",
                Action: ["dynamodb:GetItem"],
                Resource: ["arn:aws:dynamodb:us-east-1:123456789012:table/t"],
                Condition: {
                    "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["a", "b"] },
                    Bool: { "aws:SecureTransport": ["true"] },
                },
            },
            { Effect: "Deny", Action: ["s3:DeleteObject"], Resource: ["arn:aws:s3:::b/*"] },
        ]);
    });
});

describe("policyStatementProblems", () => {
    it("should list nothing when every statement is well formed", () => {
        expect(
            policyStatementProblems("p", [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"], effect: "Allow", sid: "Read1" }]),
        ).toEqual([]);
        expect(policyStatementProblems("p", undefined)).toEqual([]);
    });

    it.each([
        ["a string instead of a list", "s3:GetObject", ['`p` must be a list of statements (got the string "s3:GetObject").']],
        ["a null statement", [null], ["`p[0]` must be an object { actions, resources, effect?, sid?, conditions? } (got null)."]],
        [
            "a string action",
            [{ actions: "s3:GetObject", resources: ["arn:aws:s3:::b/k"] }],
            ['`p[0].actions` must be a non-empty list of action names (got the string "s3:GetObject").'],
        ],
        [
            "no resources",
            [{ actions: ["s3:GetObject"], resources: [] }],
            ["`p[0].resources` must be a non-empty list of ARNs (got a list [])."],
        ],
        [
            "a full wildcard",
            [{ actions: ["*"], resources: ["*"] }],
            ['`p[0].actions` must list specific actions, not a wildcard (got ["*"]).'],
        ],
        [
            "a sid with a dash",
            [{ sid: "read-1", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/k"] }],
            ['`p[0].sid` must be letters and digits only (got the string "read-1").'],
        ],
        [
            "a condition map",
            [{ actions: ["s3:GetObject"], resources: ["r"], conditions: { StringEquals: {} } }],
            ['`p[0].conditions` must be a list of { test, variable, values: [...] } (got an object {"StringEquals":{}}).'],
        ],
    ])("should name the field when given %s", (_label, statements, expected) => {
        expect(policyStatementProblems("p", statements)).toEqual(expected);
    });
});
