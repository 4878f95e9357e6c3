import fs from "node:fs";

/**
 * A database that HANGS rather than refuses: SIGSTOP the server process the harness started and every
 * process it forked (PostgreSQL serves each connection from a child backend, so stopping the postmaster alone
 * would leave open connections answering). SIGCONT resumes them in the reverse order. Only descendants of the
 * harness's own child are signalled, found through /proc/<pid>/task/<tid>/children.
 */
function descendants(pid: number): number[] {
  const result: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return result;
  }
  for (const tid of tasks) {
    let children = "";
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
    } catch {
      continue;
    }
    for (const child of children.split(/\s+/).filter(Boolean).map(Number)) {
      result.push(child, ...descendants(child));
    }
  }
  return result;
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // exited meanwhile
    }
  }
}

/** Stops `pid` and its descendants; returns the PIDs stopped (pass them to thawProcesses). */
export function freezeProcessTree(pid: number): number[] {
  process.kill(pid, "SIGSTOP");
  const stopped = [pid];
  // Stop children until no new ones appear (a child may fork while its parent is being stopped).
  for (let round = 0; round < 5; round += 1) {
    const fresh = descendants(pid).filter((p) => !stopped.includes(p));
    if (fresh.length === 0) break;
    signal(fresh, "SIGSTOP");
    stopped.push(...fresh);
  }
  return stopped;
}

export function thawProcesses(pids: readonly number[]): void {
  signal([...pids].reverse(), "SIGCONT");
}
