// Stand-in for Node's built-in test runner (`node:test`, `node:test/reporters`) in the unit project.
//
// The Pulumi SDK, when it serializes a dynamic provider's functions, requires every built-in module once to
// recognise captured ones (@pulumi/pulumi runtime/closure/createClosure.js, computeBuiltInModules). Requiring
// `node:test/reporters` inside a jest worker leaves a TestReporterScope open (seen with --detectOpenHandles),
// and the worker then "failed to exit gracefully" after a passing run. No unit test uses node:test (jest runs
// them; the container tests use node:test outside jest), so the SDK may map this stand-in instead.
"use strict";
module.exports = { __standIn: "node:test is not loaded in jest's unit project (scripts/test-unit/lazy/node-test.js)" };
