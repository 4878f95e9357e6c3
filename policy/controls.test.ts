// Every control, both ways: a compliant resource passes and a resource broken in the one property the
// control is about fails with that control's id and a message naming the property. The table is keyed by
// control id and a test asserts it covers the whole catalogue, so a new control without cases fails here.
import { evaluate } from "./evaluate";
import * as f from "./fixtures";
import { controls } from "./rules";
import { Environment, Props } from "./types";

interface Case {
    /** What the case shows, for the test name. */
    readonly when: string;
    readonly type: string;
    readonly props: Props;
    /** Substring of the expected message; omit for a passing case. */
    readonly fails?: string;
    readonly env?: Environment;
}

const pass = (when: string, type: string, props: Props, env?: Environment): Case => ({ when, type, props, env });
const fail = (when: string, type: string, props: Props, fails: string, env?: Environment): Case => ({ when, type, props, fails, env });

const ECR = "aws:ecr/repository:Repository";
const AWS_EKS = "aws:eks/cluster:Cluster";
const EKS = "eks:index:Cluster";
const RDS = "aws:rds/cluster:Cluster";
const RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const PROXY = "aws:rds/proxy:Proxy";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const VPC_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const IAM_POLICY = "aws:iam/policy:Policy";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const ECS_SERVICE = "aws:ecs/service:Service";
const APP_RUNNER = "aws:apprunner/service:Service";
const DOCKER_IMAGE = "docker:index/image:Image";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const TABLE = "aws:dynamodb/table:Table";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KMS = "aws:kms/key:Key";
const LB = "aws:lb/loadBalancer:LoadBalancer";

const world = (ingress: Props) => f.securityGroup([ingress]);
const container = (sc: Props, o: Props = {}) => f.deployment(f.podSpecOf([f.restrictedContainer(o, sc)]));

const cases: Record<string, Case[]> = {
    "ecr-scan-on-push": [
        pass("scanOnPush is true", ECR, f.ecrRepository()),
        pass("scanOnPush is not known yet", ECR, f.ecrRepository({ imageScanningConfiguration: { scanOnPush: undefined } })),
        fail(
            "scanning is not configured",
            ECR,
            omit(f.ecrRepository(), "imageScanningConfiguration"),
            "imageScanningConfiguration.scanOnPush must be true (got unset, default false)",
        ),
        fail(
            "scanOnPush is false",
            ECR,
            f.ecrRepository({ imageScanningConfiguration: { scanOnPush: false } }),
            "scanOnPush must be true (got false)",
        ),
    ],
    "ecr-immutable-tags": [
        pass("tags are IMMUTABLE", ECR, f.ecrRepository()),
        fail("mutability is unset (default MUTABLE)", ECR, omit(f.ecrRepository(), "imageTagMutability"), "default MUTABLE"),
        fail(
            "tags are MUTABLE",
            ECR,
            f.ecrRepository({ imageTagMutability: "MUTABLE" }),
            'imageTagMutability must be "IMMUTABLE" (got "MUTABLE")',
        ),
    ],
    "ecr-kms-encryption": [
        pass("encryption is KMS", ECR, f.ecrRepository()),
        fail("encryption is unset (AES256)", ECR, omit(f.ecrRepository(), "encryptionConfigurations"), "default AES256"),
        fail(
            "encryption is AES256",
            ECR,
            f.ecrRepository({ encryptionConfigurations: [{ encryptionType: "AES256" }] }),
            'must be "KMS" (got "AES256")',
        ),
    ],
    "eks-audit-logging": [
        pass("aws.eks.Cluster logs audit", AWS_EKS, f.awsEksCluster()),
        pass("eks.Cluster logs audit", EKS, f.eksComponentCluster()),
        fail("aws.eks.Cluster logs only api", AWS_EKS, f.awsEksCluster({ enabledClusterLogTypes: ["api"] }), 'must include "audit"'),
        fail(
            "eks.Cluster has no log types",
            EKS,
            omit(f.eksComponentCluster(), "enabledClusterLogTypes"),
            'enabledClusterLogTypes must include "audit"',
        ),
    ],
    "eks-secrets-encryption": [
        pass("aws.eks.Cluster encrypts secrets", AWS_EKS, f.awsEksCluster()),
        pass("eks.Cluster key ARN is not known yet", EKS, f.eksComponentCluster({ encryptionConfigKeyArn: undefined })),
        fail(
            "aws.eks.Cluster has no encryptionConfig",
            AWS_EKS,
            omit(f.awsEksCluster(), "encryptionConfig"),
            'encryptionConfig.resources must include "secrets"',
        ),
        fail(
            "eks.Cluster has no key ARN",
            EKS,
            omit(f.eksComponentCluster(), "encryptionConfigKeyArn"),
            "encryptionConfigKeyArn must be set",
        ),
    ],
    "eks-endpoint-not-public": [
        pass("aws.eks.Cluster endpoint is private", AWS_EKS, f.awsEksCluster()),
        pass("eks.Cluster endpoint is private", EKS, f.eksComponentCluster()),
        fail(
            "aws.eks.Cluster endpoint public by default",
            AWS_EKS,
            f.awsEksCluster({ vpcConfig: { subnetIds: ["s"] } }),
            "vpcConfig.endpointPublicAccess must be false (got unset, default true)",
        ),
        fail(
            "eks.Cluster endpoint is public",
            EKS,
            f.eksComponentCluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
            "endpointPublicAccess must be false (got true)",
        ),
    ],
    "eks-public-endpoint-cidrs": [
        pass("endpoint is private", EKS, f.eksComponentCluster()),
        pass(
            "public endpoint limited to an office range",
            EKS,
            f.eksComponentCluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
        ),
        fail(
            "public endpoint with no CIDRs (0.0.0.0/0)",
            EKS,
            f.eksComponentCluster({ endpointPublicAccess: true }),
            "publicAccessCidrs must list allowed CIDRs",
        ),
        fail(
            "aws.eks.Cluster public to the world",
            AWS_EKS,
            f.awsEksCluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }),
            "vpcConfig.publicAccessCidrs must not contain 0.0.0.0/0",
        ),
    ],
    "rds-storage-encrypted": [
        pass("storage is encrypted", RDS, f.auroraCluster()),
        fail(
            "storageEncrypted is unset",
            RDS,
            omit(f.auroraCluster(), "storageEncrypted"),
            "storageEncrypted must be true (got unset, default false)",
        ),
    ],
    "rds-deletion-protection": [
        pass("deletion protection is on", RDS, f.auroraCluster()),
        fail(
            "deletion protection is off",
            RDS,
            f.auroraCluster({ deletionProtection: false }),
            "deletionProtection must be true (got false)",
        ),
    ],
    "rds-iam-auth": [
        pass("IAM auth is on", RDS, f.auroraCluster()),
        fail(
            "IAM auth is unset",
            RDS,
            omit(f.auroraCluster(), "iamDatabaseAuthenticationEnabled"),
            "iamDatabaseAuthenticationEnabled must be true",
        ),
    ],
    "rds-copy-tags-to-snapshot": [
        pass("tags are copied", RDS, f.auroraCluster()),
        fail("tags are not copied", RDS, f.auroraCluster({ copyTagsToSnapshot: false }), "copyTagsToSnapshot must be true"),
    ],
    "rds-backup-retention": [
        pass("7 days in prod", RDS, f.auroraCluster(), "prod"),
        pass("default 1 day in dev", RDS, omit(f.auroraCluster(), "backupRetentionPeriod"), "dev"),
        fail(
            "3 days in prod",
            RDS,
            f.auroraCluster({ backupRetentionPeriod: 3 }),
            "backupRetentionPeriod must be at least 7 days in prod (got 3)",
            "prod",
        ),
        fail("default 1 day in prod", RDS, omit(f.auroraCluster(), "backupRetentionPeriod"), "got unset, default 1", "prod"),
    ],
    "rds-log-exports": [
        pass("postgresql log exported", RDS, f.auroraCluster()),
        fail(
            "no log exports",
            RDS,
            f.auroraCluster({ enabledCloudwatchLogsExports: [] }),
            "enabledCloudwatchLogsExports must not be empty",
        ),
    ],
    "rds-managed-master-password": [
        pass("RDS manages the password", RDS, f.auroraCluster()),
        pass(
            "password is not known yet (checked again at up)",
            RDS,
            omit(f.auroraCluster({ masterPassword: undefined }), "manageMasterUserPassword"),
        ),
        pass("restored from a snapshot", RDS, omit(f.auroraCluster({ snapshotIdentifier: "snap-1" }), "manageMasterUserPassword")),
        fail(
            "masterPassword is set",
            RDS,
            omit(f.auroraCluster({ masterPassword: "hunter2hunter2" }), "manageMasterUserPassword"),
            "masterPassword must not be set",
        ),
        fail("neither is set", RDS, omit(f.auroraCluster(), "manageMasterUserPassword"), "manageMasterUserPassword must be true"),
    ],
    "rds-instance-not-public": [
        pass("instance is private", RDS_INSTANCE, f.clusterInstance()),
        pass("publiclyAccessible unset (default false)", RDS_INSTANCE, omit(f.clusterInstance(), "publiclyAccessible")),
        fail("instance is public", RDS_INSTANCE, f.clusterInstance({ publiclyAccessible: true }), "publiclyAccessible must be false"),
    ],
    "rds-auto-minor-version-upgrade": [
        pass("default (true)", RDS_INSTANCE, f.clusterInstance()),
        fail(
            "minor upgrades disabled",
            RDS_INSTANCE,
            f.clusterInstance({ autoMinorVersionUpgrade: false }),
            "autoMinorVersionUpgrade must be true",
        ),
    ],
    "rds-proxy-require-tls": [
        pass("TLS required", PROXY, f.rdsProxy()),
        fail("requireTls unset", PROXY, omit(f.rdsProxy(), "requireTls"), "requireTls must be true (got unset, default false)"),
        fail("requireTls false", PROXY, f.rdsProxy({ requireTls: false }), "requireTls must be true (got false)"),
    ],
    "sg-no-public-admin-ingress": [
        pass("app port from the LB's security group", SG, f.securityGroup()),
        pass("HTTPS from the world", SG, world({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] })),
        pass(
            "SSH from an office range",
            SG_RULE,
            f.sgRule({ fromPort: 22, toPort: 22, sourceSecurityGroupId: undefined, cidrBlocks: ["203.0.113.0/24"] }),
        ),
        fail(
            "SSH from 0.0.0.0/0",
            SG,
            world({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }),
            "exposes port(s) 22 to the internet",
        ),
        fail(
            "a range covering 3000 and 3306 from ::/0",
            SG,
            world({ protocol: "tcp", fromPort: 2000, toPort: 4000, ipv6CidrBlocks: ["::/0"] }),
            "exposes port(s) 3000, 3306",
        ),
        fail(
            "all traffic from 0.0.0.0/0",
            SG_RULE,
            f.sgRule({ protocol: "-1", fromPort: 0, toPort: 0, sourceSecurityGroupId: undefined, cidrBlocks: ["0.0.0.0/0"] }),
            "exposes port(s) 22, 3000, 3306, 5432, 8080",
        ),
        fail(
            "8080 from cidrIpv4 0.0.0.0/0",
            VPC_RULE,
            f.vpcIngressRule({ fromPort: 8080, toPort: 8080, referencedSecurityGroupId: undefined, cidrIpv4: "0.0.0.0/0" }),
            "exposes port(s) 8080",
        ),
    ],
    "sg-no-cidr-database-ingress": [
        pass("PostgreSQL from the proxy's security group", SG_RULE, f.sgRule()),
        pass("MySQL from a referenced security group", VPC_RULE, f.vpcIngressRule()),
        pass("egress rule with a CIDR is not ingress", SG_RULE, f.sgRule({ type: "egress", cidrBlocks: ["10.0.0.0/16"] })),
        fail(
            "PostgreSQL from the VPC CIDR",
            SG_RULE,
            f.sgRule({ sourceSecurityGroupId: undefined, cidrBlocks: ["10.0.0.0/16"] }),
            "opens database port(s) 5432 to CIDR source 10.0.0.0/16",
        ),
        fail(
            "MySQL from cidrIpv4",
            VPC_RULE,
            f.vpcIngressRule({ referencedSecurityGroupId: undefined, cidrIpv4: "10.0.1.0/24" }),
            "database port(s) 3306",
        ),
        fail(
            "inline ingress range over 5432 from a CIDR",
            SG,
            world({ protocol: "tcp", fromPort: 5000, toPort: 6000, cidrBlocks: ["10.0.0.0/8"] }),
            "5432",
        ),
    ],
    "sg-public-ingress-http-only": [
        pass(
            "80 and 443 from the world",
            SG,
            f.securityGroup([
                { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] },
            ]),
        ),
        fail(
            "8443 from the world",
            SG,
            world({ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["0.0.0.0/0"] }),
            "opens port 8443; only 80 and 443",
        ),
        fail(
            "all traffic from the world",
            VPC_RULE,
            f.vpcIngressRule({
                ipProtocol: "-1",
                fromPort: undefined,
                toPort: undefined,
                referencedSecurityGroupId: undefined,
                cidrIpv6: "::/0",
            }),
            "opens all ports",
        ),
    ],
    "iam-no-wildcard-action": [
        pass("specific DynamoDB actions", IAM_POLICY, { policy: f.policyDoc(f.dynamoStatement) }),
        pass("policy document not known yet", ROLE_POLICY, { role: "r", policy: undefined }),
        pass('Deny with "*" is fine', IAM_POLICY, {
            policy: f.policyDoc(f.dynamoStatement, { Effect: "Deny", Action: "*", Resource: "*" }),
        }),
        fail(
            '"Action": "*"',
            IAM_POLICY,
            { policy: f.policyDoc({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }) },
            'allows "Action": "*"',
        ),
        fail(
            '"*:*" in a role policy given as an object',
            ROLE_POLICY,
            { role: "r", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*:*"], Resource: "*" }] } },
            'Statement[0] allows "Action": "*"',
        ),
        fail(
            "Allow with NotAction",
            IAM_POLICY,
            { policy: f.policyDoc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) },
            "Allow with NotAction",
        ),
        fail(
            "role inline policy with *",
            ROLE,
            f.iamRole({ inlinePolicies: [{ name: "admin", policy: f.policyDoc({ Effect: "Allow", Action: "*", Resource: "*" }) }] }),
            "inlinePolicies[0] (admin)",
        ),
    ],
    "iam-no-wildcard-resource-write": [
        pass("writes on a named table", ROLE_POLICY, { role: "r", policy: f.policyDoc(f.dynamoStatement) }),
        pass('read-only actions on "*"', IAM_POLICY, {
            policy: f.policyDoc({ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "logs:DescribeLogGroups"], Resource: "*" }),
        }),
        pass("actions that only support *", IAM_POLICY, {
            policy: f.policyDoc({ Effect: "Allow", Action: ["cloudwatch:PutMetricData", "xray:PutTraceSegments"], Resource: "*" }),
        }),
        fail(
            'dynamodb:PutItem on "*"',
            ROLE_POLICY,
            {
                role: "r",
                policy: f.policyDoc({ Sid: "Table", Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: "*" }),
            },
            'Statement[0] (Table) allows non-read action(s) dynamodb:PutItem on "Resource": "*"',
        ),
        fail('s3:* on "*"', IAM_POLICY, { policy: f.policyDoc({ Effect: "Allow", Action: "s3:*", Resource: ["*"] }) }, "s3:*"),
        pass("create calls bounded by a required request tag", ROLE_POLICY, {
            role: "r",
            policy: f.policyDoc({
                Effect: "Allow",
                Action: ["elasticloadbalancing:CreateLoadBalancer"],
                Resource: "*",
                Condition: { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
            }),
        }),
        pass("a service-linked role bounded by the service name", ROLE_POLICY, {
            role: "r",
            policy: f.policyDoc({
                Effect: "Allow",
                Action: ["iam:CreateServiceLinkedRole"],
                Resource: "*",
                Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
            }),
        }),
        fail(
            "a condition that does not bound the resources",
            ROLE_POLICY,
            {
                role: "r",
                policy: f.policyDoc({
                    Effect: "Allow",
                    Action: ["ec2:DeleteSecurityGroup"],
                    Resource: "*",
                    Condition: { Bool: { "aws:SecureTransport": "true" } },
                }),
            },
            "ec2:DeleteSecurityGroup",
        ),
    ],
    "iam-trust-specific-principals": [
        pass("App Runner service principal", ROLE, f.iamRole()),
        pass("IRSA federated principal", ROLE, f.iamRole({ assumeRolePolicy: f.irsaTrust(f.IRSA_CONDITION) })),
        pass("trust policy not known yet", ROLE, f.iamRole({ assumeRolePolicy: undefined })),
        fail(
            'Principal "*"',
            ROLE,
            f.iamRole({ assumeRolePolicy: f.policyDoc({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }) }),
            "lets any principal",
        ),
        fail(
            '{"AWS": "*"}',
            ROLE,
            f.iamRole({
                assumeRolePolicy: f.policyDoc({
                    Effect: "Allow",
                    Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] },
                    Action: "sts:AssumeRole",
                }),
            }),
            '"AWS":[',
        ),
        fail("unparseable trust policy", ROLE, f.iamRole({ assumeRolePolicy: "{not json" }), "assumeRolePolicy is not valid JSON"),
    ],
    "iam-irsa-trust-scoped": [
        pass("sub and aud pinned", ROLE, f.iamRole({ assumeRolePolicy: f.irsaTrust(f.IRSA_CONDITION) })),
        pass("not a web-identity trust", ROLE, f.iamRole()),
        fail("no condition at all", ROLE, f.iamRole({ assumeRolePolicy: f.irsaTrust({}) }), 'has no ":sub" condition'),
        fail(
            "aud only",
            ROLE,
            f.iamRole({ assumeRolePolicy: f.irsaTrust({ StringEquals: { "oidc.eks/id/ABC:aud": "sts.amazonaws.com" } }) }),
            "every service account in the cluster",
        ),
    ],
    "ecs-task-non-root": [
        pass("user 1000", TASK, f.taskDefinition()),
        pass("user node:node", TASK, f.taskDefinition(f.containerDefinition({ user: "node:node" }))),
        pass("container definitions not known yet", TASK, f.taskDefinition(undefined, { containerDefinitions: undefined })),
        fail("user unset", TASK, f.taskDefinition(omit(f.containerDefinition(), "user")), 'container "private-service" must set "user"'),
        fail("user 0:0", TASK, f.taskDefinition(f.containerDefinition({ user: "0:0" })), 'runs as root ("user": "0:0")'),
        fail(
            "container definitions are not JSON",
            TASK,
            f.taskDefinition(undefined, { containerDefinitions: "[{" }),
            "containerDefinitions is not valid JSON",
        ),
    ],
    "ecs-task-readonly-root-fs": [
        pass("read-only root", TASK, f.taskDefinition()),
        fail(
            "writable root",
            TASK,
            f.taskDefinition(f.containerDefinition({ readonlyRootFilesystem: false })),
            '"readonlyRootFilesystem": true (got false)',
        ),
        // An object where a boolean belongs is shown as the JSON it is, not "[object Object]".
        fail(
            "object, not a boolean",
            TASK,
            f.taskDefinition(f.containerDefinition({ readonlyRootFilesystem: { enabled: true } })),
            '(got {"enabled":true})',
        ),
    ],
    "ecs-task-logging": [
        pass("awslogs", TASK, f.taskDefinition()),
        fail(
            "no logConfiguration",
            TASK,
            f.taskDefinition(omit(f.containerDefinition(), "logConfiguration")),
            'must set "logConfiguration"',
        ),
    ],
    "ecs-task-not-privileged": [
        pass("not privileged", TASK, f.taskDefinition()),
        fail("privileged", TASK, f.taskDefinition(f.containerDefinition({ privileged: true })), 'must not set "privileged": true'),
    ],
    "ecs-task-no-secrets-in-environment": [
        pass("password through secrets, ARN in environment", TASK, f.taskDefinition()),
        fail(
            "DB_PASSWORD in environment",
            TASK,
            f.taskDefinition(
                f.containerDefinition({
                    environment: [
                        { name: "DB_PASSWORD", value: "x" },
                        { name: "API_TOKEN", value: "y" },
                    ],
                }),
            ),
            "passes DB_PASSWORD, API_TOKEN",
        ),
    ],
    "ecs-service-no-public-ip": [
        pass("no public IP", ECS_SERVICE, f.ecsService()),
        fail(
            "public IP",
            ECS_SERVICE,
            f.ecsService({ networkConfiguration: { subnets: ["s"], assignPublicIp: true } }),
            "assignPublicIp must be false",
        ),
    ],
    "image-no-latest-tag": [
        pass("digest-pinned App Runner image", APP_RUNNER, f.appRunnerService()),
        pass("unique tag on the docker image", DOCKER_IMAGE, {
            imageName: "localhost:5000/products-api:3f2a1b",
            build: { context: "apps/products-api" },
        }),
        pass("image name not known yet", DOCKER_IMAGE, { imageName: undefined }),
        fail(
            ":latest docker image",
            DOCKER_IMAGE,
            { imageName: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/products-api:latest" },
            'imageName "123456789012.dkr.ecr.eu-west-1.amazonaws.com/products-api:latest" uses the mutable tag latest',
        ),
        fail(
            "untagged Deployment image (registry with port)",
            DEPLOYMENT,
            container({}, { image: "localhost:5000/products-api" }),
            "has no tag (resolves to latest)",
        ),
        fail(
            ":latest in an ECS container",
            TASK,
            f.taskDefinition(f.containerDefinition({ image: "nginx:latest" })),
            'container "private-service" image "nginx:latest"',
        ),
        fail(
            "untagged ECS Express Mode image",
            "aws:ecs/expressGatewayService:ExpressGatewayService",
            { primaryContainer: { image: "public.ecr.aws/nginx/nginx", containerPort: 80 } },
            'primaryContainer.image "public.ecr.aws/nginx/nginx" has no tag',
        ),
        fail(
            ":latest in an init container of a Job",
            JOB,
            f.job(
                f.podSpecOf([f.restrictedContainer()], {
                    initContainers: [f.restrictedContainer({ name: "wait", image: "busybox:latest" })],
                }),
            ),
            'initContainer "wait" image',
        ),
    ],
    "apprunner-image-digest-pinned": [
        pass("digest", APP_RUNNER, f.appRunnerService()),
        fail(
            "tag",
            APP_RUNNER,
            f.appRunnerService("123456789012.dkr.ecr.eu-west-1.amazonaws.com/products-api:v1"),
            "must be digest-pinned",
        ),
    ],
    "apprunner-no-auto-deploy": [
        pass("auto deployments off", APP_RUNNER, f.appRunnerService()),
        fail(
            "auto deployments default (on)",
            APP_RUNNER,
            { sourceConfiguration: { imageRepository: { imageIdentifier: f.DIGEST_IMAGE } } },
            "autoDeploymentsEnabled must be false (got unset, default true)",
        ),
    ],
    "k8s-run-as-non-root": [
        pass("restricted Deployment", DEPLOYMENT, f.deployment()),
        pass("restricted Job", JOB, f.job()),
        fail(
            "container overrides runAsNonRoot: false",
            DEPLOYMENT,
            container({ runAsNonRoot: false }),
            'container "products-api" must set securityContext.runAsNonRoot: true',
        ),
        fail(
            "nothing set anywhere",
            JOB,
            f.job(
                f.podSpecOf(
                    [f.restrictedContainer({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } })],
                    { securityContext: { seccompProfile: { type: "RuntimeDefault" } } },
                ),
            ),
            "runAsNonRoot: true",
        ),
        fail("runAsUser 0", DEPLOYMENT, container({ runAsUser: 0 }), "runs as UID 0"),
    ],
    "k8s-no-privilege-escalation": [
        pass("allowPrivilegeEscalation false", DEPLOYMENT, f.deployment()),
        fail(
            "unset",
            DEPLOYMENT,
            f.deployment(f.podSpecOf([omit(f.restrictedContainer(), "securityContext")])),
            "allowPrivilegeEscalation: false (got unset)",
        ),
        fail(
            "true in a Job",
            JOB,
            f.job(f.podSpecOf([f.restrictedContainer({}, { allowPrivilegeEscalation: true })])),
            "allowPrivilegeEscalation: false (got true)",
        ),
    ],
    "k8s-drop-all-capabilities": [
        pass("drop ALL", DEPLOYMENT, f.deployment()),
        pass("drop ALL, add NET_BIND_SERVICE", DEPLOYMENT, container({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })),
        fail("drops only NET_RAW", DEPLOYMENT, container({ capabilities: { drop: ["NET_RAW"] } }), 'capabilities.drop: ["ALL"]'),
        fail(
            "adds SYS_ADMIN",
            JOB,
            f.job(f.podSpecOf([f.restrictedContainer({}, { capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })])),
            "must not add capabilities SYS_ADMIN",
        ),
    ],
    "k8s-seccomp-profile": [
        pass("pod-level RuntimeDefault", DEPLOYMENT, f.deployment()),
        pass(
            "container-level Localhost",
            DEPLOYMENT,
            f.deployment(
                f.podSpecOf([f.restrictedContainer({}, { seccompProfile: { type: "Localhost", localhostProfile: "p.json" } })], {
                    securityContext: { runAsNonRoot: true },
                }),
            ),
        ),
        fail(
            "container Unconfined overrides pod",
            DEPLOYMENT,
            container({ seccompProfile: { type: "Unconfined" } }),
            "RuntimeDefault or Localhost (got Unconfined)",
        ),
        fail("unset", JOB, f.job(f.podSpecOf([f.restrictedContainer()], { securityContext: { runAsNonRoot: true } })), "(got unset)"),
    ],
    "k8s-no-privileged": [
        pass("not privileged", DEPLOYMENT, f.deployment()),
        fail("privileged", DEPLOYMENT, container({ privileged: true }), "must not set securityContext.privileged: true"),
    ],
    "k8s-no-host-namespaces": [
        pass("no host namespaces", DEPLOYMENT, f.deployment()),
        fail(
            "hostNetwork and hostPID",
            DEPLOYMENT,
            f.deployment(f.podSpecOf(undefined, { hostNetwork: true, hostPID: true })),
            "must not set hostPID: true",
        ),
        fail("hostIPC in a Job", JOB, f.job(f.podSpecOf(undefined, { hostIPC: true })), "hostIPC"),
    ],
    "k8s-no-hostpath-volumes": [
        pass("emptyDir", DEPLOYMENT, f.deployment(f.podSpecOf(undefined, { volumes: [{ name: "tmp", emptyDir: {} }] }))),
        fail(
            "hostPath",
            DEPLOYMENT,
            f.deployment(f.podSpecOf(undefined, { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] })),
            'volume "docker" must not use hostPath',
        ),
    ],
    "k8s-readonly-root-fs": [
        pass("read-only", DEPLOYMENT, f.deployment()),
        fail("writable", DEPLOYMENT, container({ readOnlyRootFilesystem: false }), "readOnlyRootFilesystem: true (got false)"),
    ],
    "k8s-cpu-requests": [
        pass("requests cpu", DEPLOYMENT, f.deployment()),
        fail(
            "no requests",
            DEPLOYMENT,
            f.deployment(f.podSpecOf([f.restrictedContainer({ resources: { limits: { memory: "512Mi" } } })])),
            'container "products-api" must set resources.requests.cpu',
        ),
    ],
    "k8s-memory-limits": [
        pass("memory limit", DEPLOYMENT, f.deployment()),
        fail(
            "no limits",
            JOB,
            f.job(f.podSpecOf([f.restrictedContainer({ resources: { requests: { cpu: "250m" } } })])),
            "must set resources.limits.memory",
        ),
    ],
    "k8s-namespace-pss-restricted": [
        pass("restricted", NAMESPACE, f.namespace()),
        fail(
            "baseline",
            NAMESPACE,
            f.namespace({ "pod-security.kubernetes.io/enforce": "baseline" }),
            'must be "restricted" (got "baseline")',
        ),
        fail("no labels", NAMESPACE, { metadata: { name: "products" } }, "(got unset)"),
        // A malformed labels value is reported like a missing label, not a TypeError from the check.
        fail("labels not a map", NAMESPACE, { metadata: { name: "products", labels: "restricted" } }, "(got unset)"),
    ],
    "k8s-no-default-namespace": [
        pass("own namespace", DEPLOYMENT, f.deployment()),
        pass("Namespace itself is cluster-scoped", NAMESPACE, f.namespace()),
        fail("default", DEPLOYMENT, f.deployment(undefined, { namespace: "default" }), 'metadata.namespace must not be "default"'),
        fail(
            "unset on a Service",
            "kubernetes:core/v1:Service",
            { metadata: { name: "products-api" }, spec: { type: "LoadBalancer" } },
            "metadata.namespace must be set explicitly",
        ),
    ],
    "dynamodb-point-in-time-recovery": [
        pass("PITR on", TABLE, f.dynamoTable()),
        fail("PITR unset", TABLE, omit(f.dynamoTable(), "pointInTimeRecovery"), "pointInTimeRecovery.enabled must be true"),
    ],
    "dynamodb-sse-kms": [
        pass("SSE on", TABLE, f.dynamoTable()),
        fail(
            "SSE off",
            TABLE,
            f.dynamoTable({ serverSideEncryption: { enabled: false } }),
            "serverSideEncryption.enabled must be true (got false)",
        ),
    ],
    "dynamodb-deletion-protection": [
        pass("protected", TABLE, f.dynamoTable()),
        fail("unprotected", TABLE, omit(f.dynamoTable(), "deletionProtectionEnabled"), "deletionProtectionEnabled must be true"),
    ],
    "log-group-retention": [
        pass("30 days", LOG_GROUP, f.logGroup()),
        fail("retention unset", LOG_GROUP, omit(f.logGroup(), "retentionInDays"), "never expire"),
        fail("retention 0", LOG_GROUP, f.logGroup({ retentionInDays: 0 }), "positive number of days (got 0)"),
    ],
    "kms-key-rotation": [
        pass("rotating", KMS, f.kmsKey()),
        pass(
            "asymmetric signing key (rotation n/a)",
            KMS,
            f.kmsKey({ enableKeyRotation: false, customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }),
        ),
        fail("not rotating", KMS, omit(f.kmsKey(), "enableKeyRotation"), "enableKeyRotation must be true"),
    ],
    "alb-drop-invalid-headers": [
        pass("drops invalid headers", LB, f.loadBalancer()),
        pass("network load balancer (n/a)", LB, f.loadBalancer({ loadBalancerType: "network", dropInvalidHeaderFields: undefined })),
        fail(
            "ALB by default keeps them",
            LB,
            omit(f.loadBalancer(), "dropInvalidHeaderFields", "loadBalancerType"),
            "dropInvalidHeaderFields must be true",
        ),
    ],
    "aws-required-tags": [
        pass("both tags", ECR, f.ecrRepository(), "prod"),
        pass(
            "tags from the provider's defaultTags (tagsAll)",
            TABLE,
            { ...omit(f.dynamoTable(), "tags"), tagsAll: { project: "p", environment: "dev" } },
            "dev",
        ),
        pass("non-taggable type without tags", ROLE_POLICY, { role: "r", policy: f.policyDoc(f.dynamoStatement) }),
        fail("no tags on a taggable type", LOG_GROUP, omit(f.logGroup(), "tags"), 'tags must include "project" and "environment"', "prod"),
        fail(
            "environment tag names another stage",
            TABLE,
            f.dynamoTable({ tags: { project: "p", environment: "prod" } }),
            'tags.environment must be "staging" for this stack (got "prod")',
            "staging",
        ),
        fail(
            "unlisted type with partial tags",
            "aws:sqs/queue:Queue",
            { tags: { environment: "prod" } },
            'tags must include "project"',
            "prod",
        ),
    ],
};

/** Shallow copy without `keys` (absent, as opposed to present-but-unknown). */
function omit(props: Props, ...keys: string[]): Props {
    const copy = { ...props };
    for (const k of keys) delete copy[k];
    return copy;
}

describe("control catalogue", () => {
    it("should have cases for every control and no cases for unknown ids", () => {
        expect(Object.keys(cases).sort()).toEqual(controls.map((c) => c.id).sort());
    });

    it.each(controls.map((c) => [c.id]))("should exercise %s both passing and failing", (id) => {
        expect(cases[id].some((c) => c.fails === undefined)).toBe(true);
        expect(cases[id].some((c) => c.fails !== undefined)).toBe(true);
    });
});

const rows = Object.entries(cases).flatMap(([id, list]) => list.map((c) => ({ id, ...c })));

describe.each(rows.filter((r) => r.fails === undefined).map((r) => [r.id, r.when, r] as const))("%s", (id, when, row) => {
    it(`should pass when ${when}`, () => {
        const findings = evaluate([{ type: row.type, name: "subject", props: row.props }], row.env ?? "prod").filter(
            (x) => x.controlId === id,
        );
        expect(findings).toEqual([]);
    });
});

describe.each(rows.filter((r) => r.fails !== undefined).map((r) => [r.id, r.when, r] as const))("%s", (id, when, row) => {
    it(`should fail when ${when}`, () => {
        const findings = evaluate([{ type: row.type, name: "subject", props: row.props }], row.env ?? "prod").filter(
            (x) => x.controlId === id,
        );
        expect(findings).toEqual(
            expect.arrayContaining([
                expect.objectContaining({
                    controlId: id,
                    resourceType: row.type,
                    resourceName: "subject",
                    message: expect.stringContaining(row.fails!),
                }),
            ]),
        );
    });
});
