/**
 * The subnet layout of the shared VPC, in one place for the network (which builds it) and the config
 * validation (which checks that `vpcCidr` can hold it).
 *
 * awsx's "Auto" strategy gives every zone an equal block of the VPC: the VPC prefix plus
 * log2(next power of two ≥ zone count) bits, and refuses a layout whose subnets do not fit in one block
 * (pulumi-awsx awsx/ec2/subnetDistributorNew.ts, `getSubnetSpecs`).
 */
export const SUBNET_LAYOUT = [
    { type: "Private", cidrMask: 20 },
    { type: "Public", cidrMask: 22 },
] as const;

/** Addresses the layout needs in each zone. */
export const ADDRESSES_PER_ZONE = SUBNET_LAYOUT.reduce((sum, s) => sum + 2 ** (32 - s.cidrMask), 0);

/** The largest VPC prefix length (smallest VPC) whose per-zone block holds the layout for `zones` zones. */
export function maxVpcPrefix(zones: number): number {
    const zoneBits = Math.ceil(Math.log2(zones));
    const zoneBlockPrefix = 32 - Math.ceil(Math.log2(ADDRESSES_PER_ZONE));
    return zoneBlockPrefix - zoneBits;
}
