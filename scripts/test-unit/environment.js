/**
 * The unit project's test environment: jest's node environment with a cheaper `Error.prepareStackTrace`.
 *
 * Why: jest installs a source-mapping stack formatter in the worker's main realm, and Node uses it for errors
 * made inside the test's vm context too (the context's own `Error.prepareStackTrace` is consulted first, the
 * main realm's next). That formatter copies every frame into a JS object before printing it, mapped or not.
 * The Pulumi SDK formats a full stack for every promise it creates (`runtime/debuggable.js`) and an unbounded
 * one for every resource (`resource.js`, to find the source position), almost all frames in node_modules, so
 * the copying was about a fifth of the unit suite's CPU time (measured with `--cpu-prof`, see
 * docs/performance.md).
 *
 * This formatter gives jest's formatter only the frames that can have a source map — files outside
 * node_modules, i.e. the ones jest transformed — and lets V8 print the others itself, as it would without
 * jest; and it keeps jest's rendering of each call site, since the same ones recur in thousands of stacks.
 * Frames of our TypeScript still point at the .ts lines, and failure messages read as before.
 */
const { TestEnvironment } = require("jest-environment-node");

const MAIN_REALM_ERROR = Error;
const FRAME_SEPARATOR = "\n    at ";

/** Whether jest may have a source map for this frame's file (it transforms nothing under node_modules). */
function mayHaveSourceMap(frame) {
    const file = frame.getFileName();
    return typeof file === "string" && file !== "" && !file.includes("/node_modules/") && !file.startsWith("node:");
}

/** Jest's header, kept exactly: `name: message` (jest writes the colon even when the message is empty). */
function header(error) {
    const name = error.name != null && error.name !== "" ? error.name : "Error";
    return `${name}: ${error.message ?? ""}`;
}

/**
 * Jest's rendering of a frame depends only on what these answer (and on the file's source map, fixed for a
 * worker's run), so equal keys render alike: the same call sites recur in almost every stack the SDK takes.
 */
function frameKey(frame) {
    return [
        frame.getFileName(),
        frame.getLineNumber(),
        frame.getColumnNumber(),
        frame.getFunctionName(),
        frame.getTypeName(),
        frame.getMethodName(),
        frame.isConstructor(),
        frame.isToplevel(),
        frame.isNative(),
        frame.isEval() ? `eval ${frame.getEvalOrigin()}` : "",
        frame.getScriptNameOrSourceURL(),
    ].join("\0");
}

/** frameKey → jest's rendering of that frame; emptied when large (a worker runs many files). */
const rendered = new Map();
const RENDERED_LIMIT = 50_000;

function prepareStackTrace(error, frames) {
    const jestFormat = MAIN_REALM_ERROR.prepareStackTrace;
    if (typeof jestFormat !== "function" || jestFormat === prepareStackTrace || !frames.some(mayHaveSourceMap)) {
        return header(error) + frames.map((frame) => `${FRAME_SEPARATOR}${frame}`).join("");
    }
    const keys = frames.map((frame) => (mayHaveSourceMap(frame) ? frameKey(frame) : undefined));
    const missing = frames.filter((_, i) => keys[i] !== undefined && !rendered.has(keys[i]));
    if (missing.length > 0) {
        // Jest's formatter renders the subset as a header then one line per frame, in order.
        const lines = String(jestFormat({ name: "Error", message: "" }, missing))
            .split(FRAME_SEPARATOR)
            .slice(1);
        if (lines.length !== missing.length) return jestFormat(error, frames);
        if (rendered.size + lines.length > RENDERED_LIMIT) rendered.clear();
        missing.forEach((frame, i) => rendered.set(frameKey(frame), lines[i]));
    }
    return (
        header(error) + frames.map((frame, i) => FRAME_SEPARATOR + (keys[i] === undefined ? String(frame) : rendered.get(keys[i]))).join("")
    );
}

class UnitTestEnvironment extends TestEnvironment {
    constructor(config, context) {
        super(config, context);
        this.global.Error.prepareStackTrace = prepareStackTrace;
    }
}

module.exports = UnitTestEnvironment;
module.exports.prepareStackTrace = prepareStackTrace;
