/**
 * What the real providers answer, as a table the mocks read: for every resource type and invoke the program
 * uses, the id and computed attributes in the provider's own formats, which attributes are unknown during a
 * preview, which inputs the provider's Update never sends, which inputs replace the resource, and what an
 * invoke returns when there is nothing to return. Each row cites where that behaviour comes from.
 *
 * The mocks (./mocks.ts) refuse any resource type or invoke that has no row, so a new resource or data source
 * cannot silently get a friendlier answer than the provider would give (`mocks.test.ts`, `preview-parity.test.ts`).
 *
 * Sources, cited as short keys:
 * - `d.ts <path>`: @pulumi/aws 7.48.0's `<path>.d.ts`, whose "Import" section gives the id the provider uses
 *   (`pulumi import <type> <name> <id>`) and whose docs mark the arguments that force a new resource.
 * - `tf <path>`: hashicorp/terraform-provider-aws `internal/service/<path>` (the version pulumi-aws 7.48 bridges, or
 *   the newest copy the search index holds where that one is not stored), read with `fetch` / `read_file`.
 * - `k8s <path>`, `docker <path>`, `pulumi <path>`: pulumi/pulumi-kubernetes, pulumi/pulumi-docker, pulumi/pulumi.
 *
 * `replaceOn` entries are top-level inputs, or dotted paths for nested attributes (list indices dropped:
 * `dnsConfig.routingPolicy`, `spec.selector`): components/testing/lifecycle.ts replaces on a change at or under one.
 */

import { createHash } from "node:crypto";

/** Resource properties as the engine hands them to the mocks (JSON-like values of no declared type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- property bags of every resource type; see mocks.ts
export type PropertyBag = Record<string, any>;

/** What a row's functions know about the resource being registered. */
export interface ModelContext {
    /** The resource's logical (Pulumi) name. */
    readonly name: string;
    /** Its inputs, plus the auto-name the engine chose where the type has one (known during preview too). */
    readonly inputs: PropertyBag;
    readonly region: string;
    readonly account: string;
    /** Deterministic hex of the given length, unique per stack and resource. */
    readonly hex: (length: number, salt?: string) => string;
}

export interface ResourceModel {
    /** The id the provider gives the resource. */
    readonly id: (c: ModelContext) => string;
    /** Attributes the provider computes (everything in the state that the program did not pass). */
    readonly outputs?: (c: ModelContext) => PropertyBag;
    /**
     * The input that Pulumi auto-names `<logical name>-<7 hex>` when the program leaves it out (known in a
     * preview: the engine names resources in Check). Absent: the type has no auto-named input.
     */
    readonly autoName?: string;
    /** Inputs the provider's Update ignores: a change of only these reaches no API (the preview still shows it). */
    readonly ignoredOnUpdate?: readonly string[];
    /**
     * Inputs whose change replaces the resource (the provider's ForceNew / RequiresReplace): top-level names, or
     * dotted paths where only a nested attribute forces it.
     */
    readonly replaceOn?: readonly string[];
    readonly source: string;
}

export interface InvokeModel {
    /** The answer, given the invoke's arguments and the world the test set up. */
    readonly answer: (inputs: PropertyBag, c: InvokeContext) => PropertyBag;
    /** What the provider returns for an empty result (documentation and a test read it). */
    readonly empty: string;
    readonly source: string;
}

/** What an invoke's answer may read of the world the mocks stand for. */
export interface InvokeContext {
    readonly region: string;
    readonly account: string;
    readonly ecr: EcrContents;
    /** Subnet id → its IPv4 CIDR: the subnets of the VPCs the program created so far, and any a test says exist outside it. */
    readonly subnets: Readonly<Record<string, string>>;
}

/** What the mocked registry holds: repository name → tag → digest (`null` tag: an untagged image). */
export type EcrContents = Record<string, Array<{ tag: string | null; digest: string }>>;

/**
 * The partition a region belongs to, as the provider derives it: the AWS SDK's partition table matches the region
 * (China `cn-…` → aws-cn, GovCloud `us-gov-…` → aws-us-gov, else aws) — hashicorp/terraform-provider-aws
 * names/names.go `PartitionForRegion`, which internal/service/meta/partition_data_source.go (getPartition) answers
 * with, together with the partition's DNS suffix.
 */
export function partitionOf(region: string): { partition: string; dnsSuffix: string; reverseDnsPrefix: string } {
    if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" };
    if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
}

/** A stable hex string of `n` characters from `text` (ids the mocked world makes up for what no resource here creates). */
const hashOf = (text: string, n: number): string => createHash("sha256").update(text).digest("hex").slice(0, n);
const arn = (c: { region: string; account: string }, service: string, resource: string, global = false): string =>
    `arn:${partitionOf(c.region).partition}:${service}:${global ? "" : c.region}:${c.account}:${resource}`;
const upper = (c: ModelContext, length: number, salt?: string) => c.hex(length, salt).toUpperCase();

/** The auto-name or the given value of `field`. */
const named = (c: ModelContext, field = "name"): string => String(c.inputs[field]);

/** Security group rule ids (`sgr-` + 17 hex), shared by the ingress and egress rule resources. */
const sgRule: ResourceModel = {
    id: (c) => `sgr-${c.hex(17)}`,
    outputs: (c) => ({ securityGroupRuleId: `sgr-${c.hex(17)}`, arn: arn(c, "ec2", `security-group-rule/sgr-${c.hex(17)}`) }),
    // Only the group forces a new rule; ports, protocol, description and the peer change in place
    // (ModifySecurityGroupRules), except a change of the peer's kind (CIDR ↔ group ↔ prefix list), which
    // ModifyPlan turns into a replacement.
    replaceOn: ["securityGroupId"],
    source: "d.ts vpc/securityGroupIngressRule, vpc/securityGroupEgressRule (Import: sgr-…); tf ec2/vpc_security_group_ingress_rule.go (security_group_id RequiresReplace; Update → ModifySecurityGroupRules)",
};

/**
 * Every resource type the program (and its tests) register. Types of other providers (Kubernetes, Docker,
 * the dynamic provider) are modelled for what the program reads of them.
 */
export const RESOURCES: Readonly<Record<string, ResourceModel>> = {
    // ---- IAM ---------------------------------------------------------------------------------------------
    "aws:iam/role:Role": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({
            arn: arn(c, "iam", `role${c.inputs.path ?? "/"}${named(c)}`, true),
            uniqueId: `AROA${upper(c, 17)}`,
            createDate: "2026-01-01T00:00:00Z",
        }),
        replaceOn: ["name", "namePrefix", "path"],
        source: "d.ts iam/role (Import: the role name); tf iam/role.go (name, name_prefix, path ForceNew; assume_role_policy, description, permissions_boundary are updated)",
    },
    "aws:iam/rolePolicy:RolePolicy": {
        id: (c) => `${c.inputs.role}:${named(c)}`,
        autoName: "name",
        replaceOn: ["name", "namePrefix", "role"],
        source: "d.ts iam/rolePolicy (Import: role_name:policy_name)",
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        id: (c) => `${c.inputs.role}/${c.inputs.policyArn}`,
        replaceOn: ["role", "policyArn"],
        source: "d.ts iam/rolePolicyAttachment (Import: role-name/policy-arn; both arguments force a new resource)",
    },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        id: (c) => arn(c, "iam", `oidc-provider/${String(c.inputs.url).replace(/^https:\/\//, "")}`, true),
        outputs: (c) => ({ arn: arn(c, "iam", `oidc-provider/${String(c.inputs.url).replace(/^https:\/\//, "")}`, true) }),
        replaceOn: ["url"],
        source: "d.ts iam/openIdConnectProvider (Import: the provider ARN)",
    },
    // ---- EC2 / VPC -----------------------------------------------------------------------------------------
    "aws:ec2/securityGroup:SecurityGroup": {
        id: (c) => `sg-${c.hex(17)}`,
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "ec2", `security-group/sg-${c.hex(17)}`), ownerId: c.account }),
        // Delete first deletes lingering ENIs (Lambda-style) and retries DependencyViolation / InvalidGroup.InUse for
        // the delete timeout (15 minutes): network interfaces of a service deleted just before may still hold it.
        replaceOn: ["name", "namePrefix", "description", "vpcId"],
        source: "d.ts ec2/securityGroup (Import: sg-…); tf ec2/vpc_security_group.go (name, name_prefix, description, vpc_id ForceNew; Delete: deleteLingeringENIs, RetryWhenAWSErrCodeEquals DependencyViolation/InvalidGroup.InUse)",
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        id: (c) => `vpce-${c.hex(17)}`,
        outputs: (c) => ({
            arn: arn(c, "ec2", `vpc-endpoint/vpce-${c.hex(17)}`),
            dnsEntries: [
                { dnsName: `vpce-${c.hex(17)}-${c.hex(8, "dns")}.${c.inputs.serviceName}`, hostedZoneId: `Z${upper(c, 13, "z")}` },
            ],
            networkInterfaceIds: [],
            ownerId: c.account,
            state: "available",
        }),
        replaceOn: ["vpcId", "serviceName", "vpcEndpointType"],
        source: "d.ts ec2/vpcEndpoint (Import: vpce-…); tf ec2/vpc_endpoint.go (vpc_id, service_name, vpc_endpoint_type ForceNew)",
    },
    "aws:ec2/managedPrefixList:ManagedPrefixList": {
        id: (c) => `pl-${c.hex(17)}`,
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "ec2", `prefix-list/pl-${c.hex(17)}`), ownerId: c.account, version: 1 }),
        // Entries and max_entries change in place (ModifyManagedPrefixList); the address family does not.
        replaceOn: ["addressFamily"],
        source: "d.ts ec2/managedPrefixList (Import: pl-…); tf ec2/vpc_managed_prefix_list.go (address_family ForceNew)",
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": sgRule,
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": sgRule,
    // ---- ECR -----------------------------------------------------------------------------------------------
    "aws:ecr/repository:Repository": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({
            arn: arn(c, "ecr", `repository/${named(c)}`),
            registryId: c.account,
            repositoryUrl: `${c.account}.dkr.ecr.${c.region}.amazonaws.com/${named(c)}`,
        }),
        replaceOn: ["name", "encryptionConfigurations"],
        source: "d.ts ecr/repository (Import: the repository name; name and encryption_configuration force a new repository)",
    },
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
        id: (c) => String(c.inputs.repository),
        outputs: (c) => ({ registryId: c.account }),
        // No Update: a new policy text replaces the resource. Create is PutLifecyclePolicy (it overwrites the
        // repository's one policy) and Delete is DeleteLifecyclePolicy on the repository: created before the old one
        // is deleted, the replacement is removed by that delete.
        replaceOn: ["repository", "policy"],
        source: "d.ts ecr/lifecyclePolicy (Import: the repository name); tf ecr/lifecycle_policy.go (policy, repository ForceNew; no Update; Create → PutLifecyclePolicy, Delete → DeleteLifecyclePolicy(RepositoryName))",
    },
    // ---- ECS -----------------------------------------------------------------------------------------------
    "aws:ecs/cluster:Cluster": {
        // The id is the cluster ARN (tf ecs/cluster.go: d.SetId(aws.ToString(cluster.ClusterArn))); import takes the name.
        id: (c) => arn(c, "ecs", `cluster/${named(c)}`),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "ecs", `cluster/${named(c)}`) }),
        replaceOn: ["name"],
        source: "tf ecs/cluster.go (id = cluster ARN; name ForceNew); d.ts ecs/cluster",
    },
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
        id: (c) => String(c.inputs.clusterName),
        replaceOn: ["clusterName"],
        source: "d.ts ecs/clusterCapacityProviders (Import: the cluster name)",
    },
    "aws:ecs/taskDefinition:TaskDefinition": {
        id: (c) => String(c.inputs.family),
        outputs: (c) => ({
            arn: arn(c, "ecs", `task-definition/${c.inputs.family}:1`),
            arnWithoutRevision: arn(c, "ecs", `task-definition/${c.inputs.family}`),
            revision: 1,
        }),
        replaceOn: [
            "family",
            "containerDefinitions",
            "cpu",
            "memory",
            "taskRoleArn",
            "executionRoleArn",
            "networkMode",
            "runtimePlatform",
            "requiresCompatibilities",
            "volumes",
            "ephemeralStorage",
            "pidMode",
            "ipcMode",
            "placementConstraints",
            "proxyConfiguration",
        ],
        source: "tf ecs/task_definition.go (id = family; every argument but tags, skip_destroy and track_latest ForceNew: a change registers a new revision, the old one is deregistered on delete)",
    },
    "aws:ecs/service:Service": {
        // The id is the service ARN (tf ecs/service.go d.SetId(aws.ToString(output.ServiceArn))).
        id: (c) => arn(c, "ecs", `service/${clusterName(c.inputs.cluster)}/${named(c)}`),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "ecs", `service/${clusterName(c.inputs.cluster)}/${named(c)}`) }),
        // service_registries is not ForceNew: Update sends it (UpdateService replaces the registries, starting new
        // tasks registered in the new ones before stopping the old). Delete scales to 0, deletes, and waits for
        // INACTIVE ("all tasks STOPPING or STOPPED", not gone: their ENIs and Cloud Map instances may outlive it).
        replaceOn: ["name", "cluster", "launchType", "iamRole", "schedulingStrategy", "deploymentController"],
        source: "tf ecs/service.go (id = service ARN; name, cluster, launch_type, iam_role, scheduling_strategy, deployment_controller.type ForceNew; Update: HasChange(service_registries) → input.ServiceRegistries; Delete: UpdateService desiredCount 0, DeleteService, waitServiceInactive)",
    },
    "aws:ecs/expressGatewayService:ExpressGatewayService": {
        id: (c) => arn(c, "ecs", `service/${c.inputs.cluster ?? "default"}/${serviceNameOf(c)}`),
        outputs: (c) => ({
            serviceName: serviceNameOf(c),
            serviceArn: arn(c, "ecs", `service/${c.inputs.cluster ?? "default"}/${serviceNameOf(c)}`),
            serviceRevisionArn: arn(c, "ecs", `service-revision/${c.inputs.cluster ?? "default"}/${serviceNameOf(c)}/${c.hex(19)}`),
            currentDeployment: arn(c, "ecs", `service-deployment/${c.inputs.cluster ?? "default"}/${serviceNameOf(c)}/${c.hex(21)}`),
            ingressPaths: [{ accessType: "PUBLIC", endpoint: `${serviceNameOf(c).slice(0, 20)}-${c.hex(12)}.ecs.${c.region}.on.aws` }],
        }),
        // Update diffs plan and state WithIgnoredField("scaling_target"): a change of only the scaling target makes
        // no UpdateExpressGatewayService call. The Update API has no cluster field either, so a cluster change is
        // applied nowhere (cluster is not ForceNew in the schema). Tags are left out of that diff too, but the
        // framework's tagging interceptor applies them (@Tags(identifierAttribute="service_arn")): not ignored.
        ignoredOnUpdate: ["scalingTargets", "cluster"],
        replaceOn: ["serviceName", "infrastructureRoleArn"],
        source: "tf ecs/express_gateway_service.go (Update: fwflex.Diff WithIgnoredField scaling_target/tags; infrastructure_role_arn RequiresReplace, service_name RequiresReplaceIfConfigured; Delete waits for DRAINING or INACTIVE; Create refuses a name DescribeServices still finds, INACTIVE included: checkExpressGatewayServiceExists → findServiceNoTagsByTwoPartKey has no status filter); API: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateExpressGatewayService.html",
    },
    // ---- CloudWatch / logs / SNS ----------------------------------------------------------------------------
    "aws:cloudwatch/logGroup:LogGroup": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "logs", `log-group:${named(c)}`) }),
        replaceOn: ["name", "namePrefix", "logGroupClass"],
        source: "d.ts cloudwatch/logGroup (Import: the log group name); tf logs/group.go (name, name_prefix, log_group_class ForceNew)",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        // id = the alarm name (Create: d.SetId(name)); arn computed from DescribeAlarms; alarm_name ForceNew. Actions go
        // in sets (order-free); ok/insufficient-data actions MaxItems 5; period 10/20/30 or a multiple of 60.
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "cloudwatch", `alarm:${named(c)}`) }),
        replaceOn: ["name"],
        source: "d.ts cloudwatch/metricAlarm (Import: the alarm name); tf cloudwatch/metric_alarm.go (alarm_name Required+ForceNew, SetId(name), arn Computed)",
    },
    "aws:cloudwatch/compositeAlarm:CompositeAlarm": {
        id: (c) => String(c.inputs.alarmName),
        outputs: (c) => ({ arn: arn(c, "cloudwatch", `alarm:${c.inputs.alarmName}`) }),
        replaceOn: ["alarmName", "actionsEnabled"],
        source: "d.ts cloudwatch/compositeAlarm (Import: the alarm name); tf cloudwatch/composite_alarm.go (alarm_name and actions_enabled ForceNew; alarm/ok actions MaxItems 5; SetId(name))",
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        id: (c) => String(c.inputs.dashboardName),
        outputs: (c) => ({ dashboardArn: arn(c, "cloudwatch", `dashboard/${c.inputs.dashboardName}`, true) }),
        replaceOn: ["dashboardName"],
        source: "d.ts cloudwatch/dashboard (Import: dashboardName; dashboardArn computed); tf cloudwatch/dashboard.go (dashboard_name ForceNew; the ARN has no region)",
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        id: (c) => String(c.inputs.name),
        replaceOn: ["name", "logGroupName"],
        source: "d.ts cloudwatch/logMetricFilter (Import: `<logGroupName>:<name>`); tf logs/metric_filter.go (name, log_group_name ForceNew; id = name)",
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        // An e-mail subscription stays "pending confirmation" until the recipient clicks the link; the provider then
        // reports pendingConfirmation true and waits for nothing (email is not in the confirmable-wait protocols).
        id: (c) => `${c.inputs.topicArn}:${c.hex(8)}-${c.hex(4, "a")}-${c.hex(4, "b")}-${c.hex(4, "c")}-${c.hex(12, "d")}`,
        outputs: (c) => ({
            arn: `${c.inputs.topicArn}:${c.hex(8)}-${c.hex(4, "a")}-${c.hex(4, "b")}-${c.hex(4, "c")}-${c.hex(12, "d")}`,
            pendingConfirmation: c.inputs.protocol === "email" || c.inputs.protocol === "email-json",
            ownerId: c.account,
        }),
        replaceOn: ["protocol", "topicArn", "endpoint"],
        source: "d.ts sns/topicSubscription (Import: the subscription arn; pendingConfirmation); tf sns/topic_subscription.go (protocol, topic_arn, endpoint ForceNew)",
    },
    "aws:sns/topic:Topic": {
        id: (c) => arn(c, "sns", named(c)),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "sns", named(c)), owner: c.account }),
        replaceOn: ["name", "namePrefix", "fifoTopic"],
        source: "d.ts sns/topic (Import: the topic ARN)",
    },
    // ---- DynamoDB ------------------------------------------------------------------------------------------
    "aws:dynamodb/table:Table": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "dynamodb", `table/${named(c)}`), streamArn: "", streamLabel: "" }),
        replaceOn: ["name", "hashKey", "rangeKey", "localSecondaryIndexes", "restoreDateTime", "restoreToLatestTime"],
        source: "d.ts dynamodb/table (Import: the table name); tf dynamodb/table.go (name, hash_key, range_key, local_secondary_index, restore_date_time, restore_to_latest_time ForceNew)",
    },
    // ---- KMS -----------------------------------------------------------------------------------------------
    "aws:kms/key:Key": {
        id: (c) => keyId(c),
        outputs: (c) => ({ keyId: keyId(c), arn: arn(c, "kms", `key/${keyId(c)}`) }),
        replaceOn: ["customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
        source: "d.ts kms/key (Import: the key id, a UUID)",
    },
    "aws:kms/alias:Alias": {
        id: (c) => String(c.inputs.name ?? `${c.inputs.namePrefix ?? "alias/"}${c.hex(26)}`),
        outputs: (c) => {
            const name = String(c.inputs.name ?? `${c.inputs.namePrefix ?? "alias/"}${c.hex(26)}`);
            return { name, arn: arn(c, "kms", name), targetKeyArn: arn(c, "kms", `key/${c.inputs.targetKeyId}`) };
        },
        replaceOn: ["name", "namePrefix"],
        source: "d.ts kms/alias (Import: alias/<name>; a name_prefix gets a provider-generated suffix)",
    },
    // ---- RDS -----------------------------------------------------------------------------------------------
    "aws:rds/cluster:Cluster": {
        id: (c) => named(c, "clusterIdentifier"),
        autoName: "clusterIdentifier",
        outputs: (c) => {
            const id = named(c, "clusterIdentifier");
            return {
                arn: arn(c, "rds", `cluster:${id}`),
                // The cluster's resource id (what rds-db:connect ARNs of IAM database auth name).
                clusterResourceId: `cluster-${upper(c, 26)}`,
                endpoint: `${id}.cluster-${upper(c, 12, "acct").toLowerCase()}.${c.region}.rds.amazonaws.com`,
                readerEndpoint: `${id}.cluster-ro-${upper(c, 12, "acct").toLowerCase()}.${c.region}.rds.amazonaws.com`,
                port: c.inputs.port ?? ENGINE_PORT[c.inputs.engine] ?? 3306,
                masterUserSecrets: c.inputs.manageMasterUserPassword
                    ? [
                          {
                              secretArn: arn(c, "secretsmanager", `secret:rds!cluster-${c.hex(8)}-${c.hex(6, "s")}`),
                              secretStatus: "active",
                              kmsKeyId: "",
                          },
                      ]
                    : [],
            };
        },
        // final_snapshot_identifier is not ForceNew: Delete reads it from the state (DeleteDBCluster
        // FinalDBSnapshotIdentifier), and RDS refuses an identifier a snapshot already has.
        replaceOn: [
            "clusterIdentifier",
            "clusterIdentifierPrefix",
            "engine",
            "engineMode",
            "databaseName",
            "masterUsername",
            "storageEncrypted",
            "kmsKeyId",
            "dbSubnetGroupName",
            "availabilityZones",
            "clusterScalabilityType",
            "dbSystemId",
            "snapshotIdentifier",
            "sourceRegion",
            "restoreToPointInTime",
        ],
        source: "d.ts rds/cluster (Import: the cluster identifier); tf rds/cluster.go (cluster_identifier(_prefix), engine, engine_mode, database_name, master_username, storage_encrypted, kms_key_id, db_subnet_group_name, availability_zones, cluster_scalability_type, db_system_id, snapshot_identifier, source_region, restore_to_point_in_time ForceNew; Delete: DeleteDBCluster with final_snapshot_identifier from the state)",
    },
    "aws:rds/clusterInstance:ClusterInstance": {
        id: (c) => named(c, "identifier"),
        autoName: "identifier",
        outputs: (c) => ({
            arn: arn(c, "rds", `db:${named(c, "identifier")}`),
            endpoint: `${named(c, "identifier")}.${upper(c, 12, "acct").toLowerCase()}.${c.region}.rds.amazonaws.com`,
        }),
        replaceOn: [
            "identifier",
            "identifierPrefix",
            "clusterIdentifier",
            "engine",
            "availabilityZone",
            "dbSubnetGroupName",
            "customIamInstanceProfile",
        ],
        source: "d.ts rds/clusterInstance (Import: the instance identifier); tf rds/cluster_instance.go (identifier(_prefix), cluster_identifier, engine, availability_zone, db_subnet_group_name, custom_iam_instance_profile ForceNew)",
    },
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "rds", `cluster-pg:${named(c)}`) }),
        replaceOn: ["name", "namePrefix", "family", "description"],
        source: "d.ts rds/clusterParameterGroup (Import: the group name)",
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "rds", `subgrp:${named(c)}`) }),
        replaceOn: ["name", "namePrefix"],
        source: "d.ts rds/subnetGroup (Import: the subnet group name)",
    },
    "aws:rds/proxy:Proxy": {
        id: (c) => named(c),
        autoName: "name",
        outputs: (c) => ({
            arn: arn(c, "rds", `db-proxy:prx-${c.hex(17)}`),
            endpoint: `${named(c)}.proxy-${upper(c, 12, "acct").toLowerCase()}.${c.region}.rds.amazonaws.com`,
        }),
        // A new name is an update: ModifyDBProxy renames it (NewDBProxyName). vpc_security_group_ids are updated too.
        replaceOn: ["engineFamily", "vpcSubnetIds"],
        source: "d.ts rds/proxy (Import: the proxy name); tf rds/proxy.go (engine_family, vpc_subnet_ids ForceNew; name is not: Update → ModifyDBProxy NewDBProxyName; Delete waits until the proxy is gone)",
    },
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": {
        id: (c) => String(c.inputs.dbProxyName),
        outputs: (c) => ({ name: "default", arn: arn(c, "rds", `target-group:prx-tg-${c.hex(17)}`) }),
        replaceOn: ["dbProxyName"],
        source: "d.ts rds/proxyDefaultTargetGroup (Import: the proxy name; the group is always named default)",
    },
    "aws:rds/proxyTarget:ProxyTarget": {
        id: (c) => `${c.inputs.dbProxyName}/${c.inputs.targetGroupName}/TRACKED_CLUSTER/${c.inputs.dbClusterIdentifier}`,
        outputs: () => ({ type: "TRACKED_CLUSTER" }),
        replaceOn: ["dbProxyName", "targetGroupName", "dbClusterIdentifier", "dbInstanceIdentifier"],
        source: "d.ts rds/proxyTarget (Import: proxy/target-group/TRACKED_CLUSTER/cluster; every argument forces a new target)",
    },
    // ---- App Runner ----------------------------------------------------------------------------------------
    "aws:apprunner/service:Service": {
        id: (c) => arn(c, "apprunner", `service/${named(c, "serviceName")}/${c.hex(32)}`),
        autoName: "serviceName",
        outputs: (c) => ({
            arn: arn(c, "apprunner", `service/${named(c, "serviceName")}/${c.hex(32)}`),
            serviceId: c.hex(32),
            serviceUrl: `${c.hex(10)}.${c.region}.awsapprunner.com`,
            status: "RUNNING",
        }),
        replaceOn: ["serviceName", "encryptionConfiguration"],
        source: "d.ts apprunner/service (Import: the service ARN); tf apprunner/service.go (service_name, encryption_configuration ForceNew; Update sends auto scaling, health check, instance, network, observability and source configuration; Delete waits until the service is gone — DeleteService refuses a service with an active VPC ingress connection, API_DeleteService)",
    },
    "aws:apprunner/vpcConnector:VpcConnector": {
        id: (c) => arn(c, "apprunner", `vpcconnector/${named(c, "vpcConnectorName")}/1/${c.hex(32)}`),
        autoName: "vpcConnectorName",
        outputs: (c) => ({ arn: arn(c, "apprunner", `vpcconnector/${named(c, "vpcConnectorName")}/1/${c.hex(32)}`), status: "ACTIVE" }),
        replaceOn: ["vpcConnectorName", "subnets", "securityGroups"],
        source: "d.ts apprunner/vpcConnector (Import: the connector ARN); tf apprunner/vpc_connector.go (vpc_connector_name, subnets, security_groups ForceNew; Update: tags only; Delete waits for INACTIVE)",
    },
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion": {
        id: (c) => arn(c, "apprunner", `autoscalingconfiguration/${c.inputs.autoScalingConfigurationName}/1/${c.hex(32)}`),
        outputs: (c) => ({
            arn: arn(c, "apprunner", `autoscalingconfiguration/${c.inputs.autoScalingConfigurationName}/1/${c.hex(32)}`),
            autoScalingConfigurationRevision: 1,
            latest: true,
        }),
        // A replacement under the same name is a new revision of that configuration (CreateAutoScalingConfiguration),
        // so creating it before deleting the old revision does not collide.
        replaceOn: ["autoScalingConfigurationName", "maxConcurrency", "maxSize", "minSize"],
        source: "d.ts apprunner/autoScalingConfigurationVersion (Import: its ARN); tf apprunner/auto_scaling_configuration_version.go (name, max_concurrency, max_size, min_size ForceNew; Update: tags only)",
    },
    "aws:apprunner/observabilityConfiguration:ObservabilityConfiguration": {
        id: (c) => arn(c, "apprunner", `observabilityconfiguration/${c.inputs.observabilityConfigurationName}/1/${c.hex(32)}`),
        outputs: (c) => ({
            arn: arn(c, "apprunner", `observabilityconfiguration/${c.inputs.observabilityConfigurationName}/1/${c.hex(32)}`),
        }),
        // Only the name forces a new configuration; a new trace_configuration is applied nowhere (Update: tags only).
        replaceOn: ["observabilityConfigurationName"],
        ignoredOnUpdate: ["traceConfiguration", "tags"],
        source: "d.ts apprunner/observabilityConfiguration (Import: its ARN); tf apprunner/observability_configuration.go (observability_configuration_name ForceNew; trace_configuration is not; Update: tags only)",
    },
    "aws:apprunner/vpcIngressConnection:VpcIngressConnection": {
        id: (c) => arn(c, "apprunner", `vpcingressconnection/${c.inputs.name}/${c.hex(32)}`),
        outputs: (c) => ({
            arn: arn(c, "apprunner", `vpcingressconnection/${c.inputs.name}/${c.hex(32)}`),
            domainName: `${c.hex(10)}.${c.hex(8, "v")}.${c.region}.awsapprunner.com`,
        }),
        // No argument forces a new connection and Update sends tags only: a new service, endpoint, VPC or name shows
        // in the preview and reaches no API (the component replaces on them itself: replaceOnChanges).
        replaceOn: [],
        ignoredOnUpdate: ["name", "serviceArn", "ingressVpcConfiguration", "tags"],
        source: "d.ts apprunner/vpcIngressConnection (Import: its ARN); tf apprunner/vpc_ingress_connection.go (no ForceNew argument; Update: 'Tags only.'); API_CreateVpcIngressConnection (the name is unique among the account's active connections)",
    },
    "aws:apprunner/customDomainAssociation:CustomDomainAssociation": {
        id: (c) => `${c.inputs.domainName},${c.inputs.serviceArn}`,
        outputs: (c) => ({
            dnsTarget: `${c.hex(10)}.${c.region}.awsapprunner.com`,
            certificateValidationRecords: [
                {
                    name: `_${c.hex(32)}.${c.inputs.domainName}.`,
                    type: "CNAME",
                    value: `_${c.hex(32, "v")}.acm-validations.aws.`,
                    status: "PENDING_VALIDATION",
                },
            ],
        }),
        replaceOn: ["domainName", "serviceArn", "enableWwwSubdomain"],
        source: "d.ts apprunner/customDomainAssociation (Import: domain_name,service_arn); tf apprunner/custom_domain_association.go (domain_name, enable_www_subdomain, service_arn ForceNew; no Update)",
    },
    // ---- Cloud Map -----------------------------------------------------------------------------------------
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": {
        id: (c) => `ns-${c.hex(16)}`,
        outputs: (c) => ({ arn: arn(c, "servicediscovery", `namespace/ns-${c.hex(16)}`), hostedZone: `Z${upper(c, 20)}` }),
        replaceOn: ["name", "vpc"],
        source: "tf servicediscovery/private_dns_namespace.go (id = the namespace id ns-…; name and vpc ForceNew; Update: description only)",
    },
    "aws:servicediscovery/service:Service": {
        id: (c) => `srv-${c.hex(16)}`,
        autoName: "name",
        outputs: (c) => ({ arn: arn(c, "servicediscovery", `service/srv-${c.hex(16)}`) }),
        // Delete does not deregister instances unless force_destroy: with instances still registered (tasks that have
        // not stopped yet) DeleteService fails with ResourceInUse (hashicorp/terraform-provider-aws#4853).
        replaceOn: [
            "name",
            "namespaceId",
            "type",
            "healthCheckCustomConfig",
            "dnsConfig.namespaceId",
            "dnsConfig.routingPolicy",
            "dnsConfig.dnsRecords.type",
            "healthCheckConfig.type",
        ],
        source: "d.ts servicediscovery/service (Import: the service id srv-…); tf servicediscovery/service.go (name, namespace_id, type, health_check_custom_config and dns_config.namespace_id / routing_policy / dns_records.type, health_check_config.type ForceNew; Delete deregisters instances only with force_destroy)",
    },
    // ---- EKS -----------------------------------------------------------------------------------------------
    "aws:eks/addon:Addon": {
        id: (c) => `${c.inputs.clusterName}:${c.inputs.addonName}`,
        outputs: (c) => ({ arn: arn(c, "eks", `addon/${c.inputs.clusterName}/${c.inputs.addonName}/${c.hex(8)}`) }),
        replaceOn: ["clusterName", "addonName"],
        source: "d.ts eks/addon (Import: cluster:addon)",
    },
    "aws:eks/fargateProfile:FargateProfile": {
        id: (c) => `${c.inputs.clusterName}:${named(c, "fargateProfileName")}`,
        autoName: "fargateProfileName",
        outputs: (c) => ({ arn: arn(c, "eks", `fargateprofile/${c.inputs.clusterName}/${named(c, "fargateProfileName")}/${c.hex(8)}`) }),
        // Every argument but tags forces a new profile (EKS cannot update a Fargate profile), and a profile's name is
        // unique within its cluster: a replacement under the same name must delete the old one first.
        replaceOn: ["clusterName", "fargateProfileName", "podExecutionRoleArn", "selectors", "subnetIds"],
        source: "d.ts eks/fargateProfile (Import: cluster:profile); tf eks/fargate_profile.go (cluster_name, fargate_profile_name, pod_execution_role_arn, selector, subnet_ids ForceNew; Update: tags only); https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html (profiles are immutable)",
    },
    "aws:eks/accessEntry:AccessEntry": {
        id: (c) => `${c.inputs.clusterName}:${c.inputs.principalArn}`,
        outputs: (c) => ({ accessEntryArn: arn(c, "eks", `access-entry/${c.inputs.clusterName}/role/${c.account}/${c.hex(8)}`) }),
        replaceOn: ["clusterName", "principalArn", "type"],
        source: "d.ts eks/accessEntry (Import: cluster:principal ARN)",
    },
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
        id: (c) => `${c.inputs.clusterName}#${c.inputs.principalArn}#${c.inputs.policyArn}`,
        outputs: () => ({ associatedAt: "2026-01-01T00:00:00Z" }),
        replaceOn: ["clusterName", "principalArn", "policyArn", "accessScope"],
        source: "d.ts eks/accessPolicyAssociation (Import: cluster#principal#policy)",
    },
    // ---- other providers -------------------------------------------------------------------------------------
    "docker:index/image:Image": {
        id: (c) => `sha256:${c.hex(64, "id")}`,
        outputs: (c) => {
            const repo = String(c.inputs.imageName ?? c.name).replace(/:[^/:]+$/, "");
            return { repoDigest: `${repo}@sha256:${c.hex(64, JSON.stringify(c.inputs))}`, baseImageName: c.inputs.imageName };
        },
        // Diff reports changes without replacement keys: every change is an Update that builds and pushes again;
        // Delete touches nothing.
        replaceOn: [],
        source: "docker provider/image.go (repoDigest is <repository>@sha256:<digest> of the pushed manifest); docker provider/provider.go (Diff: DIFF_SOME with no Replaces; Delete is a no-op)",
    },
    "pulumi-nodejs:dynamic/serverless-containers:DatabaseUser": {
        id: (c) => `${c.inputs.clusterArn}/${c.inputs.username}`,
        replaceOn: ["clusterArn", "username", "database"],
        source: "components/database-user.ts (its own dynamic provider: create returns this id and echoes its inputs)",
    },
    "pulumi-nodejs:dynamic/serverless-containers:ExpressServiceDrain": {
        id: (c) => String(c.inputs.serviceArn),
        replaceOn: ["serviceArn"],
        source: "components/express-service-drain.ts (its own dynamic provider: create returns the service ARN and echoes its inputs)",
    },
    "kubernetes:core/v1:Service": {
        id: (c) => `${c.inputs.metadata?.namespace ?? "default"}/${c.inputs.metadata?.name ?? c.name}`,
        outputs: (c) => ({
            status: { loadBalancer: { ingress: [{ hostname: `k8s-${c.hex(8)}-${c.hex(10, "h")}.elb.${c.region}.amazonaws.com` }] } },
        }),
        // kubernetesObject's ForceNew paths for a Service (spec.clusterIP is immutable).
        replaceOn: ["metadata.name", "metadata.namespace", "spec.clusterIP"],
        source: "pulumi-kubernetes: the id is namespace/name; status comes from the cluster (the AWS Load Balancer Controller writes the NLB host name); k8s provider/pkg/provider/diff.go (forceNew: .metadata.name/.namespace, Service .spec.clusterIP)",
    },
};

/**
 * Kubernetes objects: the id is `namespace/name` (or `name` for cluster-scoped kinds). Every kind is replaced on a
 * new `metadata.name` or `metadata.namespace`, and some kinds on immutable spec fields; an object the program names
 * itself is deleted before its replacement is created when name and namespace stay (Diff's deleteBeforeReplace).
 */
const kubernetesObject = (replaceOn: readonly string[] = []): ResourceModel => ({
    id: (c) => {
        const meta = c.inputs.metadata ?? {};
        return meta.namespace ? `${meta.namespace}/${meta.name ?? c.name}` : String(meta.name ?? c.name);
    },
    replaceOn: ["metadata.name", "metadata.namespace", ...replaceOn],
    source: "k8s provider/pkg/provider/diff.go (forceNewProperties: .metadata.name/.namespace, plus per-kind paths); k8s provider/pkg/provider/provider.go (Diff: deleteBeforeReplace for a user-named object keeping its name and namespace)",
});

/** Per-kind ForceNew paths of the kinds the program creates (k8s provider/pkg/provider/diff.go `forceNew`). */
const KUBERNETES_KINDS: Readonly<Record<string, ResourceModel>> = {
    "kubernetes:apps/v1:Deployment": kubernetesObject(["spec.selector"]),
    "kubernetes:batch/v1:Job": kubernetesObject(["spec.completions", "spec.parallelism", "spec.selector", "spec.template"]),
};
const KUBERNETES = kubernetesObject();

/**
 * The row for a type token, or undefined when the mocks have none (they then refuse the resource). `extra`: rows a
 * test gave for types the kit does not model (`setupMocks({ resources })`), consulted last.
 */
export function resourceModel(type: string, extra: Readonly<Record<string, ResourceModel>> = {}): ResourceModel | undefined {
    const row = RESOURCES[type];
    if (row) return row;
    if (type === "kubernetes:helm.sh/v3:Release") return HELM_RELEASE;
    if (type.startsWith("kubernetes:")) return KUBERNETES_KINDS[type] ?? KUBERNETES;
    if (type === "pulumi:providers:kubernetes") return KUBERNETES_PROVIDER;
    if (type.startsWith("pulumi:providers:")) return PROVIDER;
    return extra[type];
}

const HELM_RELEASE: ResourceModel = {
    id: (c) => `${c.inputs.namespace ?? "default"}/${c.inputs.name ?? c.name}`,
    outputs: (c) => ({
        status: { name: c.inputs.name ?? c.name, namespace: c.inputs.namespace ?? "default", status: "deployed", revision: 1 },
    }),
    replaceOn: ["name", "namespace"],
    source: "k8s provider/pkg/provider/helm_release.go (id namespace/name; status computed after install; Diff: forceNewFields .name, .namespace)",
};

const PROVIDER: ResourceModel = {
    id: (c) => c.hex(36, "provider"),
    source: "pulumi/pulumi: a provider resource's id is a UUID the engine assigns",
};

/**
 * The Kubernetes provider is replaced — and with it every object it manages (pulumi
 * pkg/resource/deploy/step_generator.go providerChanged) — when DiffConfig finds another active cluster: a new
 * kubeconfig whose active cluster entry differs, or a new context/cluster/clusterIdentifier. The components build the
 * kubeconfig from one cluster's endpoint and CA, so a new kubeconfig here is a new cluster.
 */
const KUBERNETES_PROVIDER: ResourceModel = {
    ...PROVIDER,
    replaceOn: ["kubeconfig", "context", "cluster", "clusterIdentifier"],
    source: "k8s provider/pkg/provider/provider.go (DiffConfig: replaces on clusterIdentifier, or on kubeconfig/context/cluster when the active cluster changes)",
};

const ENGINE_PORT: Record<string, number> = { "aurora-mysql": 3306, "aurora-postgresql": 5432 };

function clusterName(cluster: string | undefined): string {
    const s = cluster ?? "default";
    return s.startsWith("arn:") ? s.split("/").pop()! : s;
}

/** An Express service without a name gets one from ECS (the provider passes none; tf: service_name Optional+Computed). */
function serviceNameOf(c: ModelContext): string {
    return String(c.inputs.serviceName ?? `${c.name.slice(0, 40)}-${c.hex(8)}`);
}

function keyId(c: ModelContext): string {
    const h = c.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Remote (multi-language) components: under mocks one resource each; these are the outputs their providers
 * return. During a preview of a new stack every one of them is unknown (the children do not exist yet).
 */
export const REMOTE_COMPONENTS: Readonly<Record<string, (c: ModelContext) => PropertyBag>> = {
    "awsx:ec2:Vpc": (c) => {
        // awsx takes either explicit zone names or a count (default 3).
        const azs: number = c.inputs.availabilityZoneNames?.length ?? c.inputs.numberOfAvailabilityZones ?? 3;
        const ids = (kind: string) => Array.from({ length: azs }, (_, i) => `subnet-${c.hex(17, `${kind}${i}`)}`);
        return {
            vpcId: `vpc-${c.hex(17)}`,
            privateSubnetIds: ids("priv"),
            publicSubnetIds: ids("pub"),
            isolatedSubnetIds: [],
            natGateways: [],
        };
    },
    "eks:index:Cluster": (c) => {
        const id = upper(c, 32);
        const issuer = `oidc.eks.${c.region}.amazonaws.com/id/${id}`;
        const clusterName = `${c.name}-eksCluster-${c.hex(7)}`;
        const kubeconfig = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: c.name,
                    cluster: { server: `https://${id}.gr7.${c.region}.eks.amazonaws.com`, "certificate-authority-data": "Q0VSVA==" },
                },
            ],
            contexts: [{ name: c.name, context: { cluster: c.name, user: c.name } }],
            "current-context": c.name,
            users: [
                {
                    name: c.name,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", clusterName],
                        },
                    },
                },
            ],
        };
        return {
            kubeconfig,
            kubeconfigJson: JSON.stringify(kubeconfig),
            oidcProviderArn: arn(c, "iam", `oidc-provider/${issuer}`, true),
            oidcProviderUrl: `https://${issuer}`,
            oidcIssuer: issuer,
            clusterSecurityGroupId: `sg-${c.hex(17, "cluster")}`,
            // core.cluster is the aws.eks.Cluster; its vpcConfig.clusterSecurityGroupId is the group EKS creates
            // (not pulumi-eks's clusterSecurityGroupId above): node_modules/@pulumi/eks/cluster.d.ts,
            // tf eks/cluster.go (vpc_config.cluster_security_group_id, computed).
            core: { cluster: { name: clusterName, vpcConfig: { clusterSecurityGroupId: `sg-${c.hex(17, "eks-created")}` } } },
        };
    },
};

/** Every invoke the program calls, with the provider's answer for an empty result. */
export const INVOKES: Readonly<Record<string, InvokeModel>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": {
        answer: (_i, c) => ({ accountId: c.account, arn: arn(c, "iam", "user/offline", true), userId: "AIDAOFFLINE", id: c.account }),
        empty: "never empty",
        source: "d.ts getCallerIdentity",
    },
    "aws:index/getRegion:getRegion": {
        // @pulumi/aws 7 renamed `name` to `region`; answer with both so either reader works.
        answer: (_i, c) => ({
            name: c.region,
            region: c.region,
            id: c.region,
            endpoint: `ec2.${c.region}.amazonaws.com`,
            description: c.region,
        }),
        empty: "never empty",
        source: "d.ts getRegion",
    },
    "aws:index/getPartition:getPartition": {
        answer: (_i, c) => ({ ...partitionOf(c.region), id: partitionOf(c.region).partition }),
        empty: "never empty",
        source: "d.ts getPartition; tf meta/partition_data_source.go (the client's partition, names/names.go PartitionForRegion)",
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        answer: (_i, c) => ({ ...availabilityZones(c.region), id: c.region }),
        empty: "a region has zones",
        source: "d.ts getAvailabilityZones",
    },
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
        answer: (inputs, c) => ({
            authorizationToken: "QVdTOm9mZmxpbmU=",
            userName: "AWS",
            password: "offline-ecr-token",
            proxyEndpoint: `https://${inputs.registryId ?? c.account}.dkr.ecr.${c.region}.amazonaws.com`,
            expiresAt: "2099-01-01T00:00:00Z",
            id: c.region,
        }),
        empty: "never empty",
        source: "d.ts ecr/getAuthorizationToken",
    },
    "aws:ec2/getSubnet:getSubnet": {
        answer: (inputs, c) => {
            const cidrBlock = c.subnets[inputs.id];
            // The data source reads exactly one subnet; none is an error (tfresource.SingularDataSourceFindError).
            if (cidrBlock === undefined) throw providerError(`reading EC2 Subnet: no matching EC2 Subnet found (id ${inputs.id})`);
            return {
                id: inputs.id,
                cidrBlock,
                arn: arn(c, "ec2", `subnet/${inputs.id}`),
                ownerId: c.account,
                state: "available",
            };
        },
        empty: "no subnet with that id is an error, not an empty answer",
        source: "tf ec2/vpc_subnet_data_source.go (findSubnet; SingularDataSourceFindError: 'no matching EC2 Subnet found')",
    },
    "aws:ecr/getRepositories:getRepositories": {
        // An empty set is flattened to a null set: no repository in the account/region → `names: null`, not [].
        answer: (_i, c) => {
            const names = Object.keys(c.ecr);
            return { names: names.length === 0 ? null : names, id: c.region, region: c.region };
        },
        empty: "names: null",
        source: "tf ecr/repositories_data_source.go (fwflex.FlattenFrameworkStringValueSet) + internal/framework/flex/set.go ('An empty slice is converted to a null Set')",
    },
    "aws:ecr/getImages:getImages": {
        answer: (inputs, c) => {
            const images = c.ecr[inputs.repositoryName];
            // findImages turns RepositoryNotFoundException into a NotFound error; Read reports it as a failure.
            if (!images)
                throw providerError(`reading ECR Images: couldn't find resource (RepositoryNotFoundException: ${inputs.repositoryName})`);
            return {
                id: inputs.repositoryName,
                repositoryName: inputs.repositoryName,
                region: c.region,
                // An untagged image has a null tag; an empty repository gives an empty (non-null) list.
                imageIds: images.map((i) => ({ imageTag: i.tag, imageDigest: i.digest })),
            };
        },
        empty: "imageIds: [] (built with types.ListValue from a non-nil slice); a missing repository is an error",
        source: "tf ecr/images_data_source.go",
    },
    "aws:ecs/getService:getService": {
        // Stands for an Express service's ECS service: ECS lists the target group it registers tasks in and, as
        // Express deploys by canary, the alternate one (DescribeServices loadBalancers[].advancedConfiguration;
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html). No service is an error
        // (tf ecs/service_data_source.go: findServiceByTwoPartKey → "reading ECS Service … couldn't find resource").
        answer: (inputs, c) => {
            const key = `${inputs.clusterArn}/${inputs.serviceName}`;
            const tg = (salt: string) =>
                arn(c, "elasticloadbalancing", `targetgroup/ecs-gateway-tg-${hashOf(key + salt, 8)}/${hashOf(key + salt, 16)}`);
            return {
                id: arn(c, "ecs", `service/${String(inputs.clusterArn).split("/").pop()}/${inputs.serviceName}`),
                arn: arn(c, "ecs", `service/${String(inputs.clusterArn).split("/").pop()}/${inputs.serviceName}`),
                clusterArn: inputs.clusterArn,
                serviceName: inputs.serviceName,
                region: c.region,
                loadBalancers: [
                    {
                        targetGroupArn: tg("primary"),
                        containerName: "main",
                        containerPort: 8080,
                        elbName: "",
                        advancedConfigurations: [
                            { alternateTargetGroupArn: tg("alternate"), productionListenerRule: "", roleArn: "", testListenerRule: "" },
                        ],
                    },
                ],
            };
        },
        empty: "no such service is an error",
        source: "d.ts ecs/getService (loadBalancers[].targetGroupArn, advancedConfigurations[].alternateTargetGroupArn); tf ecs/service_data_source.go",
    },
    "aws:lb/getTargetGroup:getTargetGroup": {
        // By ARN, or by tags (the AWS Load Balancer Controller tags its target group `elbv2.k8s.aws/cluster` and
        // `service.k8s.aws/stack: <namespace>/<service>`: kubernetes-sigs/aws-load-balancer-controller
        // pkg/deploy/tracking provider StackTags). Exactly one must match (tf elbv2/target_group_data_source.go:
        // "no matching LB Target Group found" / "multiple LB Target Groups matched").
        answer: (inputs, c) => {
            const byTags = inputs.arn === undefined;
            const key = byTags ? JSON.stringify(inputs.tags ?? {}) : String(inputs.arn);
            const tgArn = byTags
                ? arn(c, "elasticloadbalancing", `targetgroup/k8s-${hashOf(key, 10)}/${hashOf(key, 16)}`)
                : String(inputs.arn);
            const kind = byTags ? "net" : "app";
            return {
                id: tgArn,
                arn: tgArn,
                arnSuffix: tgArn.slice(tgArn.lastIndexOf(":") + 1),
                name: tgArn.split("/")[1],
                loadBalancerArns: [
                    arn(
                        c,
                        "elasticloadbalancing",
                        `loadbalancer/${kind}/${byTags ? "k8s" : "ecs-express-gateway"}-${hashOf(key + "lb", 10)}/${hashOf(key + "lb", 16)}`,
                    ),
                ],
                tags: inputs.tags ?? {},
                region: c.region,
            };
        },
        empty: "no matching target group is an error",
        source: "d.ts lb/getTargetGroup (arn, tags; arnSuffix, loadBalancerArns); tf elbv2/target_group_data_source.go",
    },
};

/** An error as the SDK rebuilds invoke failures (from the gRPC `details` field). */
export function providerError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/**
 * The region's zones as one real account sees them. Names map to physical zones per account, so the
 * mock deliberately maps us-east-1a to use1-az3 — the zone EKS and RDS Proxy refuse — as it is in some
 * real accounts: code that takes "the first N names" fails here as it would there.
 */
export function availabilityZones(region: string): { names: string[]; zoneIds: string[] } {
    if (region === "us-east-1") {
        return {
            names: ["a", "b", "c", "d", "e", "f"].map((s) => `${region}${s}`),
            zoneIds: ["use1-az3", "use1-az6", "use1-az1", "use1-az2", "use1-az4", "use1-az5"],
        };
    }
    const m = /^([a-z]{2})-([a-z]+)-(\d+)$/.exec(region);
    const prefix = m ? `${m[1]}${m[2][0]}${m[3]}` : region;
    return { names: ["a", "b", "c"].map((s) => `${region}${s}`), zoneIds: [1, 2, 3].map((n) => `${prefix}-az${n}`) };
}
