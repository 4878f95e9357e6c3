/** Polls `probe` until it returns true (bounded attempts, not a timing assertion). */
export async function eventually(probe: () => Promise<boolean>, what: string, attempts = 100, intervalMs = 100): Promise<void> {
    for (let i = 0; i < attempts; i += 1) {
        if (await probe()) return;
        await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(`${what} did not happen after ${attempts} attempts`);
}

/** Runs `total` tasks with at most `concurrency` at once; `task(i)` may await gates. */
export async function runBounded<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
    const results: T[] = new Array(total);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < total) {
            const index = next;
            next += 1;
            results[index] = await task(index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    return results;
}
