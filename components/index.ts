// The auth0-entra-scim package: what another Pulumi program imports. This repository's stack (../index.ts) is one
// consumer of it. Reading order follows the data: 1-entra-app -> 2-auth0-connection -> 3-entra-provisioning,
// wired by ScimConnection.
export { SCIM_CONNECTION_OUTPUT_NAMES, ScimConnection } from "./scimConnection";
export type { ScimConnectionArgs, ScimConnectionOutputs } from "./scimConnection";
export { ConfigError, parseScimConnectionArgs, parseStackConfig } from "./config";
export type {
    ConfigProblem,
    ConnectionConfig,
    ConnectionSettings,
    EntraConfig,
    MonitoringConfig,
    RawStackConfig,
    SamlConfig,
    ScimConfig,
    ScimConnectionSettings,
    StackSettings,
} from "./config";
export { declareStack, runStack } from "./stack";
