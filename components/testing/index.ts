/**
 * `serverless-containers/testing`: the test kit the package's own tests use, for programs built on the package.
 * `setupMocks()` installs Pulumi's mocked runtime with a model of the providers (ids and computed attributes in
 * their formats, unknown in a preview, invoke answers as the providers shape them), records every resource the
 * program registers, and refuses a resource type or invoke it does not model. `planChanges` / `deleteOrder` read
 * two evaluations as `pulumi up` / `pulumi destroy` would. How to use it: docs/testing.md, "Testing your program"
 * in the package README.
 *
 * This module only re-exports the modules the repository's own tests import (one implementation). It loads
 * `@pulumi/pulumi` (a peer dependency) and reads `@pulumi/aws`'s type declarations; nothing else from outside
 * the package. It is not part of the Pulumi plugin package (the components are).
 */
export {
    ACCOUNT_ID,
    DEFAULT_REGION,
    UNKNOWN,
    UNMODELLED_OUTPUT,
    PulumiMocks,
    availabilityZones,
    containsUnknown,
    engineUrn,
    errorOf,
    isTaggableAwsType,
    promiseOf,
    qualifiedType,
    resolveAlias,
    settle,
    setupMocks,
    type AliasSpec,
    type EcrContents,
    type MockOptions,
    type PropertyBag,
    type RecordedResource,
} from "./mocks";
export type { ModelContext, ResourceModel } from "./provider-model";
export { deleteOrder, namesWith, planChanges, type Change, type PlannedChange } from "./lifecycle";
