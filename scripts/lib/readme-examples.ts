/**
 * The README's curl examples (the local-development section) as requests: the README test checks each against
 * the routes of the service on that port, and the dev integration test sends each to a running `npm run dev`.
 */
export interface CurlExample {
    /** The line as the README shows it. */
    readonly line: string;
    readonly method: string;
    /** The `npm run dev` port it addresses (8081-8084 by default). */
    readonly port: number;
    readonly path: string;
    readonly headers: Record<string, string>;
    readonly body?: string;
}

/** Every `curl` line in the README's bash blocks: `curl -s [-X METHOD] localhost:PORT/path [-H 'k: v'] [-d '…']`. */
export function readmeCurlExamples(readme: string): CurlExample[] {
    const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
    return blocks
        .flatMap((b) => b.split("\n"))
        .filter((l) => l.startsWith("curl "))
        .map((line) => {
            const url = /\blocalhost:(\d+)(\/\S*)/.exec(line);
            if (!url) throw new Error(`a README curl example without localhost:PORT/path: ${line}`);
            const headers = Object.fromEntries(
                [...line.matchAll(/-H '([^:']+):\s*([^']*)'/g)].map((m) => [m[1].toLowerCase(), m[2]] as [string, string]),
            );
            const body = /-d '([^']*)'/.exec(line)?.[1];
            return { line, method: /-X (\w+)/.exec(line)?.[1] ?? "GET", port: Number(url[1]), path: url[2], headers, body };
        });
}
