/**
 * The children of the two remote (multi-language) components the program uses, modelled from their
 * providers' source, so the offline preview's counts, cost and policy see what a real `pulumi preview`
 * shows. Under Pulumi's mocks a remote component is a single resource: its provider never runs, so
 * `awsx:ec2:Vpc` and `eks:index:Cluster` arrive with no subnets, NAT gateways, Elastic IPs, route tables,
 * security groups or roles under them. Everything produced here is marked `modelled` in the plan.
 *
 * Sources (read for this model; re-read them when the awsx / eks versions move):
 * - awsx `Vpc` (pulumi-awsx 3.x): https://github.com/pulumi/pulumi-awsx/blob/master/awsx/ec2/vpc.ts —
 *   one aws.ec2.Vpc; an InternetGateway always; per AZ and subnet spec a Subnet (mapPublicIpOnLaunch for
 *   public ones), its RouteTable and RouteTableAssociation; a Route to the IGW (public) or to a NAT gateway
 *   (private, unless strategy None); NAT gateways in public subnets — one for `Single`, one per AZ for
 *   `OnePerAz` (the default) — each with its own Eip unless `elasticIpAllocationIds` are given.
 * - eks `Cluster` (pulumi-eks 4.x): https://github.com/pulumi/pulumi-eks/blob/master/nodejs/eks/cluster/cluster.ts
 *   (`createCore`) — a ServiceRole (`<name>-eksRole`: role + AmazonEKSClusterPolicy attachment) unless
 *   `serviceRole` is given; the cluster security group `<name>-eksClusterSecurityGroup` with the egress
 *   rule `<name>-eksClusterInternetEgressRule` (all traffic to 0.0.0.0/0) unless skipped; the
 *   aws.eks.Cluster `<name>-eksCluster`; kube-proxy / CoreDNS add-ons unless disabled; the VPC CNI add-on
 *   `<name>-vpc-cni` unless `useDefaultVpcCni`; a FargateProfile (`<name>-fargateProfile`, or
 *   `<name with first "-" → "_">fargateProfile` when the name starts with "eks-") when `fargate` is set,
 *   with a pod execution ServiceRole if none is given; the OpenIdConnectProvider `<name>-oidcProvider`
 *   when `createOidcProvider`. The profile and the OIDC provider are created without tags there.
 *   Not modelled: the Kubernetes provider and the VpcCniAddon's own Kubernetes objects (no AWS cost or
 *   policy surface), access entries (none are passed), node groups (skipped with Fargate).
 */
import type { RecordedResource } from "../../components/testing/mocks";

export interface ModelledSummary {
    /** Remote components whose children were modelled: type → how many of them. */
    readonly components: Record<string, number>;
    /** Modelled resources by type. */
    readonly counts: Record<string, number>;
    readonly total: number;
    /** Where the model comes from (provider source files). */
    readonly sources: string[];
}

export const MODEL_SOURCES = [
    "https://github.com/pulumi/pulumi-awsx/blob/master/awsx/ec2/vpc.ts",
    "https://github.com/pulumi/pulumi-eks/blob/master/nodejs/eks/cluster/cluster.ts",
];

/** The URN a child of `parent` with this type and name gets (parent's type chain + `$type`). */
function childUrn(parent: RecordedResource, type: string, name: string): string {
    const [prefix, project, qualifiedType] = parent.urn.split("::");
    return `${prefix}::${project}::${qualifiedType}$${type}::${name}`;
}

class Builder {
    readonly out: RecordedResource[] = [];
    /** The component being modelled: the engine runs its `transforms` on every child it creates. */
    component?: RecordedResource;

    add(
        parent: RecordedResource,
        type: string,
        name: string,
        inputs: RecordedResource["inputs"],
        dependsOn: RecordedResource[] = [],
    ): RecordedResource {
        const urn = childUrn(parent, type, name);
        inputs = this.transformed(type, name, inputs);
        const r: RecordedResource = {
            type,
            name,
            urn,
            parent: parent.urn,
            dependsOn: dependsOn.map((d) => d.urn),
            inputs,
            secretInputs: [],
            state: { ...inputs },
            custom: true,
        };
        this.out.push(r);
        return r;
    }

    /** The component's synchronous transforms applied to a child's inputs, in order (an async one is not modelled). */
    private transformed(type: string, name: string, inputs: RecordedResource["inputs"]): RecordedResource["inputs"] {
        let props = inputs;
        for (const transform of this.component?.transforms ?? []) {
            const result = transform({ custom: true, type, name, props, opts: {} });
            if (result && !(result instanceof Promise) && result.props) props = result.props;
        }
        return props;
    }
}

function vpcChildren(b: Builder, component: RecordedResource, region: string): void {
    const args = component.inputs;
    const name = component.name;
    const azs: number = Number(args.numberOfAvailabilityZones ?? args.availabilityZoneNames?.length ?? 3);
    const strategy = String(args.natGateways?.strategy ?? "OnePerAz");
    const ownEips = (args.natGateways?.elasticIpAllocationIds ?? []).length === 0;
    const sharedTags = { Name: name, ...(args.tags ?? {}) };
    const specs: Array<{ type: string; tags?: Record<string, string> }> = args.subnetSpecs ?? [{ type: "Private" }, { type: "Public" }];
    // Public subnets first in each AZ (the provider sorts them so NAT gateways exist before private routes).
    const ordered = [...specs].sort((a, b) => (a.type === "Public" ? 0 : 1) - (b.type === "Public" ? 0 : 1));

    const vpc = b.add(component, "aws:ec2/vpc:Vpc", name, {
        cidrBlock: args.cidrBlock ?? "10.0.0.0/16",
        enableDnsHostnames: args.enableDnsHostnames,
        enableDnsSupport: args.enableDnsSupport,
        tags: sharedTags,
    });
    const igw = b.add(vpc, "aws:ec2/internetGateway:InternetGateway", name, { tags: sharedTags }, [vpc]);
    const nats: RecordedResource[] = [];
    for (let i = 0; i < azs; i++) {
        const az = `${region}${String.fromCharCode(97 + i)}`;
        for (const spec of ordered) {
            if (spec.type === "Unused") continue;
            const kind = spec.type.toLowerCase();
            const subnetName = `${name}-${kind}-${i + 1}`;
            const subnet = b.add(
                vpc,
                "aws:ec2/subnet:Subnet",
                subnetName,
                {
                    availabilityZone: az,
                    mapPublicIpOnLaunch: kind === "public",
                    tags: { ...sharedTags, ...(spec.tags ?? {}), Name: subnetName, SubnetType: spec.type },
                },
                [vpc],
            );
            const table = b.add(
                subnet,
                "aws:ec2/routeTable:RouteTable",
                subnetName,
                { tags: { ...sharedTags, Name: subnetName, SubnetType: spec.type } },
                [subnet],
            );
            b.add(table, "aws:ec2/routeTableAssociation:RouteTableAssociation", subnetName, {}, [table, subnet]);
            const wantsNat = strategy === "OnePerAz" || (strategy === "Single" && nats.length === 0);
            if (kind === "public" && strategy !== "None" && wantsNat) {
                const natName = `${name}-${i + 1}`;
                const eip = ownEips
                    ? b.add(subnet, "aws:ec2/eip:Eip", natName, { tags: { ...(args.tags ?? {}), Name: natName } }, [subnet])
                    : undefined;
                nats.push(
                    b.add(subnet, "aws:ec2/natGateway:NatGateway", natName, { tags: { ...(args.tags ?? {}), Name: natName } }, [
                        subnet,
                        ...(eip ? [eip] : []),
                    ]),
                );
            }
            if (kind === "public") {
                b.add(table, "aws:ec2/route:Route", subnetName, { destinationCidrBlock: "0.0.0.0/0", gatewayId: `[${igw.name}]` }, [
                    table,
                    igw,
                ]);
            } else if (kind === "private" && strategy !== "None") {
                const nat = strategy === "Single" ? nats[0] : nats[i];
                if (nat)
                    b.add(table, "aws:ec2/route:Route", subnetName, { destinationCidrBlock: "0.0.0.0/0", natGatewayId: `[${nat.name}]` }, [
                        table,
                        nat,
                    ]);
            }
        }
    }
}

function serviceRole(
    b: Builder,
    component: RecordedResource,
    name: string,
    service: string,
    policies: string[],
    tags: unknown,
): RecordedResource {
    const role = b.add(component, "aws:iam/role:Role", `${name}-role`, {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
        }),
        tags,
    });
    for (const policy of policies) {
        b.add(
            component,
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            `${name}-${policy}`,
            { policyArn: `arn:aws:iam::aws:policy/${policy}` },
            [role],
        );
    }
    return role;
}

function eksChildren(b: Builder, component: RecordedResource): void {
    const args = component.inputs;
    const name = component.name;
    const tags = args.tags;
    const role = args.serviceRole
        ? undefined
        : serviceRole(b, component, `${name}-eksRole`, "eks.amazonaws.com", ["AmazonEKSClusterPolicy"], tags);
    const skipSgs = args.skipDefaultSecurityGroups === true || args.autoMode?.enabled === true;
    let sg: RecordedResource | undefined;
    if (!args.clusterSecurityGroup && !skipSgs) {
        sg = b.add(component, "aws:ec2/securityGroup:SecurityGroup", `${name}-eksClusterSecurityGroup`, {
            vpcId: args.vpcId,
            revokeRulesOnDelete: true,
            tags: { Name: `${name}-eksClusterSecurityGroup`, ...(args.clusterSecurityGroupTags ?? {}), ...(tags ?? {}) },
        });
        b.add(
            component,
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            `${name}-eksClusterInternetEgressRule`,
            {
                description: "Allow internet access.",
                type: "egress",
                fromPort: 0,
                toPort: 0,
                protocol: "-1",
                cidrBlocks: ["0.0.0.0/0"],
                securityGroupId: `[${sg.name}]`,
            },
            [sg],
        );
    }
    const cluster = b.add(
        component,
        "aws:eks/cluster:Cluster",
        `${name}-eksCluster`,
        {
            name: args.name,
            version: args.version,
            vpcConfig: {
                securityGroupIds: sg ? [`[${sg.name}]`] : undefined,
                subnetIds: [...(args.publicSubnetIds ?? []), ...(args.privateSubnetIds ?? [])].length
                    ? [...(args.publicSubnetIds ?? []), ...(args.privateSubnetIds ?? [])]
                    : args.subnetIds,
                endpointPrivateAccess: args.endpointPrivateAccess,
                endpointPublicAccess: args.endpointPublicAccess,
                publicAccessCidrs: args.publicAccessCidrs,
            },
            enabledClusterLogTypes: args.enabledClusterLogTypes,
            encryptionConfig: args.encryptionConfigKeyArn
                ? { provider: { keyArn: args.encryptionConfigKeyArn }, resources: ["secrets"] }
                : undefined,
            accessConfig: args.authenticationMode
                ? { authenticationMode: args.authenticationMode, bootstrapClusterCreatorAdminPermissions: true }
                : undefined,
            tags: { Name: `${name}-eksCluster`, ...(args.clusterTags ?? {}), ...(tags ?? {}) },
        },
        [...(role ? [role] : []), ...(sg ? [sg] : [])],
    );
    const addon = (addonName: string, suffix: string): void => {
        b.add(component, "aws:eks/addon:Addon", `${name}-${suffix}`, { addonName, tags }, [cluster]);
    };
    if (args.kubeProxyAddonOptions?.enabled ?? !args.autoMode?.enabled) addon("kube-proxy", "kube-proxy");
    if (args.useDefaultVpcCni !== undefined ? !args.useDefaultVpcCni : !args.autoMode?.enabled) addon("vpc-cni", "vpc-cni");
    if (args.fargate) {
        const fargate = args.fargate === true ? {} : args.fargate;
        const podRole = fargate.podExecutionRoleArn
            ? undefined
            : serviceRole(
                  b,
                  component,
                  `${name}-podExecutionRole`,
                  "eks-fargate-pods.amazonaws.com",
                  ["AmazonEKSFargatePodExecutionRolePolicy"],
                  tags,
              );
        const profileName = /^eks-/i.test(name) || name === "eks" ? `${name.replace("-", "_")}fargateProfile` : `${name}-fargateProfile`;
        b.add(
            component,
            "aws:eks/fargateProfile:FargateProfile",
            profileName,
            {
                podExecutionRoleArn: fargate.podExecutionRoleArn ?? `[${podRole!.name}]`,
                selectors: fargate.selectors ?? [{ namespace: "default" }, { namespace: "kube-system" }],
                subnetIds: fargate.subnetIds,
            },
            [cluster, ...(podRole ? [podRole] : [])],
        );
        const corednsEnabled = args.corednsAddonOptions?.enabled === true || (args.corednsAddonOptions?.enabled ?? true);
        if (corednsEnabled) addon("coredns", "coredns");
    } else if (args.corednsAddonOptions?.enabled === true) {
        addon("coredns", "coredns");
    }
    if (args.createOidcProvider) {
        b.add(
            component,
            "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            `${name}-oidcProvider`,
            { clientIdLists: ["sts.amazonaws.com"] },
            [cluster],
        );
    }
}

/** Model the children of every `awsx:ec2:Vpc` and `eks:index:Cluster` among `resources`. */
export function modelRemoteChildren(
    resources: readonly RecordedResource[],
    region = "us-east-1",
): { resources: RecordedResource[]; summary: ModelledSummary } {
    const b = new Builder();
    const components: Record<string, number> = {};
    for (const r of resources) {
        b.component = r;
        if (r.type === "awsx:ec2:Vpc") vpcChildren(b, r, region);
        else if (r.type === "eks:index:Cluster") eksChildren(b, r);
        else continue;
        components[r.type] = (components[r.type] ?? 0) + 1;
    }
    const counts: Record<string, number> = {};
    for (const r of b.out) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return { resources: b.out, summary: { components, counts, total: b.out.length, sources: MODEL_SOURCES } };
}
