/**
 * Jest's test sequencer, with a committed estimate of each unit test file's duration for runs that have no
 * timings of their own (a fresh checkout, CI, `--no-cache`).
 *
 * Why: jest starts the slowest files first when its cache holds their durations, otherwise the largest files.
 * Size says little here: stacks/account-names.test.ts is short but evaluates the whole program five times, so
 * a cold run started it near the end and one worker ran it alone while the other sat idle (seen in
 * `jest --json` start times). `npm run bench:tooling` rewrites durations.json from a warm run's per-file
 * times. Jest's own timings, when it has them, still win; a file in neither (a new one) runs first, by size,
 * as jest runs a file it has no timing for before the timed ones.
 */
const fs = require("node:fs");
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const ESTIMATES_FILE = path.join(__dirname, "durations.json");

/** Estimated seconds per test file, keyed by path relative to the repository root. */
function readEstimates() {
    try {
        const parsed = JSON.parse(fs.readFileSync(ESTIMATES_FILE, "utf8"));
        return parsed !== null && typeof parsed === "object" ? (parsed.seconds ?? {}) : {};
    } catch {
        return {};
    }
}

class EstimatingSequencer extends Sequencer {
    estimates = readEstimates();

    time(test) {
        const measured = super.time(test);
        if (measured != null) return measured;
        const estimate = this.estimates[path.relative(test.context.config.rootDir, test.path).split(path.sep).join("/")];
        // Jest's own timings are milliseconds.
        return typeof estimate === "number" ? estimate * 1000 : undefined;
    }
}

module.exports = EstimatingSequencer;
module.exports.ESTIMATES_FILE = ESTIMATES_FILE;
