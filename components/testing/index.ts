/**
 * `serverless-containers/testing`: the mocked Pulumi runtime the package's own tests, the reference stacks and a
 * consumer's tests evaluate programs under (./mocks.ts).
 */
export * from "./mocks";
