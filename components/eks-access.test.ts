import { callerAccessProblem } from "./eks-access";

describe("callerAccessProblem", () => {
    const roles = {
        deployRoleArn: "arn:aws:iam::222222222222:role/github/deploy",
        previewRoleArn: "arn:aws:iam::222222222222:role/github/preview",
        breakGlassRoleArn: "arn:aws:iam::222222222222:role/break-glass",
    };
    const session = (role: string, account = "222222222222") => `arn:aws:sts::${account}:assumed-role/${role}/gh-4242`;

    it("should accept the deploy and break-glass roles for up, and the preview role too for preview", () => {
        expect(callerAccessProblem(session("deploy"), roles, false)).toBeUndefined();
        expect(callerAccessProblem(session("break-glass"), roles, false)).toBeUndefined();
        expect(callerAccessProblem(session("preview"), roles, true)).toBeUndefined();
        expect(callerAccessProblem("arn:aws:iam::222222222222:role/github/deploy", roles, false)).toBeUndefined();
    });

    it("should explain the 401 when the preview role runs up or an IAM user runs anything", () => {
        expect(callerAccessProblem(session("preview"), roles, false)).toBe(
            "this program runs as arn:aws:sts::222222222222:assumed-role/preview/gh-4242, which has no access entry on this cluster, so its Kubernetes API calls will be refused (401); run `pulumi up` as the deploy or break-glass role.",
        );
        expect(callerAccessProblem("arn:aws:iam::222222222222:user/alice", roles, true)).toBe(
            "this program runs as arn:aws:iam::222222222222:user/alice, which has no access entry on this cluster, so its Kubernetes API calls will be refused (401); run `pulumi preview` as the deploy, preview or break-glass role.",
        );
    });

    it("should name both accounts when the program runs in another account than the roles (a preview with the wrong environment's role)", () => {
        expect(callerAccessProblem(session("preview", "111111111111"), roles, true)).toBe(
            "this program runs in account 111111111111, but the cluster's access roles are in account 222222222222: check the credentials (each environment's own role).",
        );
    });

    it("should say nothing when no deploy role is configured (the creator is the admin)", () => {
        expect(callerAccessProblem("arn:aws:iam::222222222222:user/alice", {}, false)).toBeUndefined();
    });
});
