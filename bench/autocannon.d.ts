// Minimal typings for the part of autocannon's programmatic API the benchmarks use (it ships none).
declare module "autocannon" {
    interface Options {
        url: string;
        connections?: number;
        duration?: number;
        pipelining?: number;
        timeout?: number;
        method?: string;
        headers?: Record<string, string>;
        body?: string;
    }
    interface Histogram {
        average: number;
        mean: number;
        stddev: number;
        min: number;
        max: number;
        p50: number;
        p90: number;
        p97_5: number;
        p99: number;
    }
    interface Result {
        requests: Histogram & { total: number; sent: number };
        latency: Histogram;
        throughput: Histogram;
        errors: number;
        timeouts: number;
        non2xx: number;
        duration: number;
        "1xx": number;
        "2xx": number;
        "3xx": number;
        "4xx": number;
        "5xx": number;
    }
    function autocannon(opts: Options): Promise<Result>;
    export = autocannon;
}
