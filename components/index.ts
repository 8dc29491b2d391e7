// The auth0-entra-scim package: what another Pulumi program imports. This repository's stack (../index.ts) is one
// consumer of it. Reading order follows the data: 1-entra-app -> 2-auth0-connection -> 3-entra-provisioning,
// wired by ScimConnection.
export { SCIM_CONNECTION_OUTPUT_NAMES, ScimConnection } from "./scimConnection";
export type { ScimConnectionArgs, ScimConnectionOutputs } from "./scimConnection";
// The types of ScimConnection's members, to name them (dependsOn, parent); they are made only by ScimConnection,
// which validates the args first.
export type { EntraSamlApplication } from "./1-entra-app/entraSamlApplication";
export type { Auth0ScimConnection } from "./2-auth0-connection/auth0ScimConnection";
export type { EntraScimProvisioning } from "./3-entra-provisioning/entraScimProvisioning";
export type { SelfServiceConnection } from "./self-service/selfServiceConnection";
export type { SsoTicketTemplate } from "./self-service/ticketRequest";
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
