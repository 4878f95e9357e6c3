// Compliant resource inputs for the policy tests: each test starts from one of these and breaks exactly
// the property its control is about. Not a test file itself (no `.test.`), so jest doesn't run it.
import { Props } from "./types";

export const TAGS = { project: "serverless-containers", environment: "prod" };

export const ecrRepository = (o: Props = {}): Props => ({
    imageScanningConfiguration: { scanOnPush: true },
    imageTagMutability: "IMMUTABLE",
    encryptionConfigurations: [{ encryptionType: "KMS" }],
    tags: TAGS,
    ...o,
});

export const awsEksCluster = (o: Props = {}): Props => ({
    roleArn: "arn:aws:iam::123456789012:role/eks",
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" }, resources: ["secrets"] },
    vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: true, endpointPublicAccess: false },
    tags: TAGS,
    ...o,
});

export const eksComponentCluster = (o: Props = {}): Props => ({
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc",
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    fargate: true,
    ...o,
});

export const auroraCluster = (o: Props = {}): Props => ({
    engine: "aurora-postgresql",
    engineMode: "provisioned",
    storageEncrypted: true,
    deletionProtection: true,
    iamDatabaseAuthenticationEnabled: true,
    backupRetentionPeriod: 7,
    copyTagsToSnapshot: true,
    enabledCloudwatchLogsExports: ["postgresql"],
    manageMasterUserPassword: true,
    masterUsername: "app",
    serverlessv2ScalingConfiguration: { minCapacity: 0.5, maxCapacity: 4 },
    tags: TAGS,
    ...o,
});

export const clusterInstance = (o: Props = {}): Props => ({
    clusterIdentifier: "visits",
    instanceClass: "db.serverless",
    engine: "aurora-postgresql",
    publiclyAccessible: false,
    tags: TAGS,
    ...o,
});

export const rdsProxy = (o: Props = {}): Props => ({
    engineFamily: "POSTGRESQL",
    requireTls: true,
    roleArn: "arn:aws:iam::123456789012:role/proxy",
    vpcSubnetIds: ["subnet-1"],
    auths: [{ authScheme: "SECRETS", secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" }],
    tags: TAGS,
    ...o,
});

/** Ingress from the load balancer's security group on the app port: fine for every SG control. */
export const securityGroup = (
    ingress: Props[] = [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-lb"] }],
): Props => ({
    vpcId: "vpc-1",
    ingress,
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    tags: TAGS,
});

export const sgRule = (o: Props = {}): Props => ({
    type: "ingress",
    securityGroupId: "sg-db",
    protocol: "tcp",
    fromPort: 5432,
    toPort: 5432,
    sourceSecurityGroupId: "sg-proxy",
    ...o,
});

export const vpcIngressRule = (o: Props = {}): Props => ({
    securityGroupId: "sg-db",
    ipProtocol: "tcp",
    fromPort: 3306,
    toPort: 3306,
    referencedSecurityGroupId: "sg-proxy",
    tags: TAGS,
    ...o,
});

export const policyDoc = (...Statement: Props[]): string => JSON.stringify({ Version: "2012-10-17", Statement });

export const dynamoStatement = {
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Scan"],
    Resource: "arn:aws:dynamodb:eu-west-1:123456789012:table/products",
};

export const trustService = (service = "tasks.apprunner.amazonaws.com"): string =>
    policyDoc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });

export const irsaTrust = (condition: Props): string =>
    policyDoc({
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: condition,
    });

export const IRSA_CONDITION = {
    StringEquals: {
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:products:products-api",
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
    },
};

export const iamRole = (o: Props = {}): Props => ({ assumeRolePolicy: trustService(), tags: TAGS, ...o });

export const containerDefinition = (o: Props = {}): Props => ({
    name: "private-service",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/private-service@sha256:" + "a".repeat(64),
    user: "1000",
    readonlyRootFilesystem: true,
    essential: true,
    portMappings: [{ containerPort: 8080 }],
    environment: [
        { name: "PORT", value: "8080" },
        { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:…" },
    ],
    secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" }],
    logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "/ecs/private-service", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app" },
    },
    ...o,
});

export const taskDefinition = (container: Props = containerDefinition(), o: Props = {}): Props => ({
    family: "private-service",
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    containerDefinitions: JSON.stringify([container]),
    tags: TAGS,
    ...o,
});

export const ecsService = (o: Props = {}): Props => ({
    cluster: "arn:aws:ecs:eu-west-1:123456789012:cluster/main",
    launchType: "FARGATE",
    networkConfiguration: { subnets: ["subnet-1"], securityGroups: ["sg-1"], assignPublicIp: false },
    tags: TAGS,
    ...o,
});

export const DIGEST_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/products-api@sha256:" + "b".repeat(64);

export const appRunnerService = (image = DIGEST_IMAGE, o: Props = {}): Props => ({
    serviceName: "products-api",
    sourceConfiguration: {
        autoDeploymentsEnabled: false,
        authenticationConfiguration: { accessRoleArn: "arn:aws:iam::123456789012:role/access" },
        imageRepository: { imageIdentifier: image, imageRepositoryType: "ECR", imageConfiguration: { port: "8080" } },
    },
    tags: TAGS,
    ...o,
});

export const restrictedContainer = (o: Props = {}, sc: Props = {}): Props => ({
    name: "products-api",
    image: DIGEST_IMAGE,
    ports: [{ containerPort: 8080 }],
    resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } },
    securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
        ...sc,
    },
    ...o,
});

export const podSpecOf = (containers: Props[] = [restrictedContainer()], o: Props = {}): Props => ({
    serviceAccountName: "products-api",
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers,
    ...o,
});

export const deployment = (spec: Props = podSpecOf(), metadata: Props = { namespace: "products" }): Props => ({
    metadata: { name: "products-api", ...metadata },
    spec: {
        replicas: 2,
        selector: { matchLabels: { app: "products-api" } },
        template: { metadata: { labels: { app: "products-api" } }, spec },
    },
});

export const job = (spec: Props = podSpecOf(), metadata: Props = { namespace: "products" }): Props => ({
    metadata: { name: "migrate", ...metadata },
    spec: { template: { spec: { restartPolicy: "Never", ...spec } } },
});

export const namespace = (labels: Props = { "pod-security.kubernetes.io/enforce": "restricted" }): Props => ({
    metadata: { name: "products", labels },
});

export const dynamoTable = (o: Props = {}): Props => ({
    billingMode: "PAY_PER_REQUEST",
    hashKey: "id",
    attributes: [{ name: "id", type: "S" }],
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true },
    deletionProtectionEnabled: true,
    tags: TAGS,
    ...o,
});

export const logGroup = (o: Props = {}): Props => ({ name: "/ecs/private-service", retentionInDays: 30, tags: TAGS, ...o });

export const kmsKey = (o: Props = {}): Props => ({ description: "eks secrets", enableKeyRotation: true, tags: TAGS, ...o });

export const loadBalancer = (o: Props = {}): Props => ({
    loadBalancerType: "application",
    internal: false,
    dropInvalidHeaderFields: true,
    subnets: ["subnet-1"],
    tags: TAGS,
    ...o,
});
