/**
 * The price table the offline cost estimate multiplies by: AWS list prices for us-east-1 (N. Virginia),
 * on-demand, USD, as of `asOf`. Pure data, no logic.
 *
 * Every line names the page its figure was read from (`source`). `verified: true` means the figure was
 * confirmed on that page when the table was last dated; `verified: false` means the best-known public figure
 * is kept but could not be confirmed there (the `note` says what is missing). Where AWS's own page could not
 * be read, the source is a dated third-party page that quotes AWS's rate — re-check those first when
 * refreshing the table. Never add a source that was not actually read.
 */

export interface PriceLine {
    /** What is billed, in words. */
    readonly description: string;
    /** Unit the price is per ("vCPU-hour", "GB-month", "1M requests"…). */
    readonly unit: string;
    /** USD per unit. */
    readonly usd: number;
    /** Page the figure was read from. */
    readonly source: string;
    /** True when the figure was confirmed on `source` as of the table's date. */
    readonly verified: boolean;
    /** Caveats: free tiers, rounding rules, what could not be confirmed. */
    readonly note?: string;
}

export type PriceKey =
    | "eksClusterHour"
    | "fargateVcpuHour"
    | "fargateGbHour"
    | "fargateSpotDiscount"
    | "appRunnerProvisionedGbHour"
    | "appRunnerActiveVcpuHour"
    | "appRunnerActiveGbHour"
    | "ecsExpressMode"
    | "auroraServerlessV2AcuHour"
    | "auroraStorageGbMonth"
    | "auroraIoMillion"
    | "rdsProxyAcuHour"
    | "natGatewayHour"
    | "natGatewayGb"
    | "vpcInterfaceEndpointAzHour"
    | "albHour"
    | "albLcuHour"
    | "nlbHour"
    | "nlbNlcuHour"
    | "publicIpv4Hour"
    | "dynamoDbWriteMillion"
    | "dynamoDbReadMillion"
    | "dynamoDbStorageGbMonth"
    | "ecrStorageGbMonth"
    | "cloudWatchLogsIngestGb"
    | "cloudWatchAlarmMetricMonth"
    | "cloudWatchCompositeAlarmMonth"
    | "cloudWatchDashboardMonth"
    | "cloudWatchCustomMetricMonth"
    | "kmsKeyMonth"
    | "secretsManagerSecretMonth";

export interface PriceTable {
    /** Date the figures were last checked (ISO 8601). */
    readonly asOf: string;
    readonly region: string;
    readonly currency: "USD";
    /** Hours AWS uses for a month in its own estimates (24 × 365 / 12). */
    readonly hoursPerMonth: number;
    /** RDS Proxy on Aurora Serverless v2 bills at least this many ACUs, whatever the cluster's minimum. */
    readonly rdsProxyMinimumAcus: number;
    readonly lines: Readonly<Record<PriceKey, PriceLine>>;
}

export const PRICES: PriceTable = {
    asOf: "2026-11-24",
    region: "us-east-1",
    currency: "USD",
    hoursPerMonth: 730,
    rdsProxyMinimumAcus: 8,
    lines: {
        eksClusterHour: {
            description: "EKS cluster (control plane), Kubernetes version in standard support",
            unit: "cluster-hour",
            usd: 0.1,
            source: "https://www.vantage.sh/blog/amazon-eks-extended-support-cost-kubernetes",
            verified: true,
            note: "Extended support (version past standard support) is $0.60 per cluster-hour.",
        },
        fargateVcpuHour: {
            description: "AWS Fargate, Linux/x86, per vCPU",
            unit: "vCPU-hour",
            usd: 0.04048,
            source: "https://www.vantage.sh/blog/fargate-pricing",
            verified: true,
            note: "Same rate quoted for us-east-1 as of June 2026 by factualminds.com. Billed per second, 1-minute minimum.",
        },
        fargateGbHour: {
            description: "AWS Fargate, Linux/x86, per GB of memory",
            unit: "GB-hour",
            usd: 0.004445,
            source: "https://www.vantage.sh/blog/fargate-pricing",
            verified: true,
            note: "20 GB of ephemeral storage per task/pod included.",
        },
        fargateSpotDiscount: {
            description: "Fargate Spot discount off the on-demand Fargate rate (fraction)",
            unit: "fraction",
            usd: 0.7,
            source: "https://www.wring.co/blog/aws-fargate-pricing-guide",
            verified: false,
            note: "Spot prices float; 'up to 70%' is the published ceiling, used here as the planning figure.",
        },
        appRunnerProvisionedGbHour: {
            description: "App Runner provisioned (idle) container instance, memory",
            unit: "GB-hour",
            usd: 0.007,
            source: "https://aws.amazon.com/jp/apprunner/pricing/",
            verified: true,
            note: "The page states the rate applies to us-east-1, us-east-2, us-west-2 and eu-west-1. App Runner is closed to new customers since 2026-04-30.",
        },
        appRunnerActiveVcpuHour: {
            description: "App Runner active container instance, vCPU",
            unit: "vCPU-hour",
            usd: 0.064,
            source: "https://aws.amazon.com/jp/apprunner/pricing/",
            verified: true,
        },
        appRunnerActiveGbHour: {
            description: "App Runner active container instance, memory",
            unit: "GB-hour",
            usd: 0.007,
            source: "https://aws.amazon.com/jp/apprunner/pricing/",
            verified: true,
        },
        ecsExpressMode: {
            description: "ECS Express Mode itself (no charge: pay for the Fargate tasks and the ALB it creates)",
            unit: "service-month",
            usd: 0,
            source: "https://aws.amazon.com/ecs/pricing/",
            verified: true,
            note: "ECS pricing: 'no additional charge for Amazon ECS orchestration'. What Express Mode creates (Fargate service, ALB, ACM certificate, log group) is listed at https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html.",
        },
        auroraServerlessV2AcuHour: {
            description: "Aurora Serverless v2 capacity (Aurora Standard)",
            unit: "ACU-hour",
            usd: 0.12,
            source: "https://c3x.dev/blog/aws-aurora-serverless-v2-cost/",
            verified: true,
            note: "Also quoted at $0.12 for us-east-1 by awsnegotiations.com and factualminds.com (June 2026). AWS's own Aurora pricing page was not read.",
        },
        auroraStorageGbMonth: {
            description: "Aurora storage (Aurora Standard)",
            unit: "GB-month",
            usd: 0.1,
            source: "https://awsnegotiations.com/blog/aurora-serverless-v2-pricing.html",
            verified: true,
            note: "Quoted as 'approximately $0.10/GB-month'.",
        },
        auroraIoMillion: {
            description: "Aurora I/O requests (Aurora Standard)",
            unit: "1M requests",
            usd: 0.2,
            source: "https://docs.aws.amazon.com/en_us/AmazonRDS/latest/AuroraUserGuide/User_DBInstanceBilling.html",
            verified: false,
            note: "The page confirms I/O is billed per 1 million requests on Aurora Standard but not the rate; $0.20 is the long-standing us-east-1 list price.",
        },
        rdsProxyAcuHour: {
            description: "RDS Proxy in front of Aurora Serverless v2",
            unit: "ACU-hour",
            usd: 0.015,
            source: "https://blog.serverworks.co.jp/amazon-aurora-serverless-v2-and-amazon-rds-proxy-minimum-cost",
            verified: false,
            note: "The minimum-charge rule (billed on at least 8 ACUs whatever the cluster's capacity) is confirmed by several sources; the $0.015 rate (same as $0.015 per vCPU-hour for provisioned instances) was not read on AWS's page.",
        },
        natGatewayHour: {
            description: "NAT gateway, per gateway",
            unit: "gateway-hour",
            usd: 0.045,
            source: "https://basavytix.com/blog/aws-nat-gateway-pricing",
            verified: true,
        },
        natGatewayGb: {
            description: "NAT gateway data processed",
            unit: "GB",
            usd: 0.045,
            source: "https://basavytix.com/blog/aws-nat-gateway-pricing",
            verified: true,
            note: "Internet egress ($0.09/GB after the free tier) is billed on top.",
        },
        vpcInterfaceEndpointAzHour: {
            description: "VPC interface endpoint (AWS PrivateLink), per endpoint per AZ",
            unit: "endpoint-AZ-hour",
            usd: 0.01,
            source: "https://awsnegotiations.com/privatelink-cost-analysis.html",
            verified: true,
            note: "AWS's page (https://aws.amazon.com/privatelink/pricing/) bills each endpoint per AZ per hour and $0.01/GB for the first PB processed; gateway endpoints (S3, DynamoDB) are free.",
        },
        albHour: {
            description: "Application Load Balancer",
            unit: "ALB-hour",
            usd: 0.0225,
            source: "https://awsnegotiations.com/elastic-load-balancer-cost.html",
            verified: true,
        },
        albLcuHour: {
            description: "Application Load Balancer capacity units",
            unit: "LCU-hour",
            usd: 0.008,
            source: "https://awsnegotiations.com/elastic-load-balancer-cost.html",
            verified: true,
        },
        nlbHour: {
            description: "Network Load Balancer",
            unit: "NLB-hour",
            usd: 0.0225,
            source: "https://awsnegotiations.com/elastic-load-balancer-cost.html",
            verified: true,
        },
        nlbNlcuHour: {
            description: "Network Load Balancer capacity units",
            unit: "NLCU-hour",
            usd: 0.006,
            source: "https://awsnegotiations.com/elastic-load-balancer-cost.html",
            verified: true,
        },
        publicIpv4Hour: {
            description: "Public IPv4 address (Elastic IPs, NAT gateways' EIPs, internet-facing load balancer nodes), in use or idle",
            unit: "IP-hour",
            usd: 0.005,
            source: "https://pocketlantern.dev/briefs/aws-public-ipv4-charge-avoidance-vpc-and-load-balancer-design-2026",
            verified: false,
            note: "Charged since 2024-02-01 on every AWS-provided public IPv4 address; the page (dated 2026-03-15) quotes AWS's $0.005/h and that an internet-facing NLB has one address per enabled AZ. AWS's own VPC pricing page (Public IPv4 Address tab) was not read here.",
        },
        dynamoDbWriteMillion: {
            description: "DynamoDB on-demand write request units (Standard table class)",
            unit: "1M WRU",
            usd: 0.625,
            source: "https://aws.amazon.com/dynamodb/pricing/",
            verified: false,
            note: "Rate after AWS's November 2024 on-demand price cut, as quoted by third-party guides; not shown in the part of the AWS page that was read.",
        },
        dynamoDbReadMillion: {
            description: "DynamoDB on-demand read request units (Standard table class)",
            unit: "1M RRU",
            usd: 0.125,
            source: "https://aws.amazon.com/dynamodb/pricing/",
            verified: false,
            note: "As for writes: third-party figure, not read on AWS's page.",
        },
        dynamoDbStorageGbMonth: {
            description: "DynamoDB storage (Standard table class)",
            unit: "GB-month",
            usd: 0.25,
            source: "https://aws.amazon.com/dynamodb/pricing/",
            verified: true,
            note: "First 25 GB per month free per account and region (not deducted here).",
        },
        ecrStorageGbMonth: {
            description: "ECR private repository storage",
            unit: "GB-month",
            usd: 0.1,
            source: "https://www.wring.co/blog/aws-ecr-pricing-guide",
            verified: true,
            note: "Same-region pulls are free; basic scanning is free.",
        },
        cloudWatchLogsIngestGb: {
            description: "CloudWatch Logs ingestion (Standard log class)",
            unit: "GB",
            usd: 0.5,
            source: "https://c3x.dev/blog/cloudwatch-logs-cost-optimization",
            verified: true,
            note: "Storage $0.03/GB-month on top.",
        },
        cloudWatchAlarmMetricMonth: {
            description:
                "CloudWatch standard-resolution alarm, per metric it reads (a metric math alarm bills each metric of its expression)",
            unit: "alarm metric-month",
            usd: 0.1,
            source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
            verified: true,
            note: "10 alarm metrics a month free per account (https://aws.amazon.com/cloudwatch/pricing/, free tier; not deducted here).",
        },
        cloudWatchCompositeAlarmMonth: {
            description: "CloudWatch composite alarm",
            unit: "alarm-month",
            usd: 0.5,
            source: "https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm",
            verified: true,
        },
        cloudWatchDashboardMonth: {
            description: "CloudWatch custom dashboard",
            unit: "dashboard-month",
            usd: 3,
            source: "https://aws.amazon.com/cloudwatch/pricing/",
            verified: false,
            note: "The free tier (3 dashboards of up to 50 metrics each) was read on the AWS page; the $3 paid rate is the widely quoted list price, not confirmed there.",
        },
        cloudWatchCustomMetricMonth: {
            description: "CloudWatch custom metric (a log metric filter's metric)",
            unit: "metric-month",
            usd: 0.3,
            source: "https://aws.amazon.com/cloudwatch/pricing/",
            verified: false,
            note: "First 10,000 metrics tier; 10 custom metrics a month free per account (not deducted). Rate is the widely quoted list price, not confirmed on the page.",
        },
        kmsKeyMonth: {
            description: "KMS customer managed key",
            unit: "key-month",
            usd: 1,
            source: "https://www.wring.co/blog/aws-kms-pricing-guide",
            verified: true,
            note: "20,000 requests/month free, then $0.03 per 10,000.",
        },
        secretsManagerSecretMonth: {
            description: "Secrets Manager secret",
            unit: "secret-month",
            usd: 0.4,
            source: "https://hivebook.wiki/wiki/aws-secrets-manager-rotated-secrets-dynamic-db-credentials-kms",
            verified: true,
            note: "Plus $0.05 per 10,000 API calls.",
        },
    },
};
