/**
 * A test that writes to the console fails, naming the call (jest-fail-on-console). A passing `npm test` prints
 * only jest's summary (jest.config.js), so console output would otherwise be lost rather than seen: a test that
 * expects a warning captures it (`jest.spyOn(pulumi.log, "warn")` or `jest.spyOn(console, "warn")`) and asserts
 * on it instead.
 */
import failOnConsole from "jest-fail-on-console";

failOnConsole({
    shouldFailOnAssert: true,
    shouldFailOnDebug: true,
    shouldFailOnError: true,
    shouldFailOnInfo: true,
    shouldFailOnLog: true,
    shouldFailOnWarn: true,
});
