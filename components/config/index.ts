// The config contract: raw values in, one typed settings object out, or every problem at once. Pure: no Pulumi
// runtime state (only RunError, the base of ConfigError), no I/O. components/stack.ts reads the raw values; ScimConnection, the tools and tests call this.
// One file per block of config, each declaring its config type (the known keys come from it) and its reader:
//   stackConfig.ts  the tenants, `connections`, parseStackConfig
//   connection.ts   one entry of `connections`      scim.ts    its `scim` block
//   entra.ts        its `entra` block               saml.ts    its `saml` block
//   monitoring.ts   `monitoring`                    reader.ts  problems, ConfigError, the typed readers
//   access.ts       enabledClients, organizations   selfService.ts  selfService and selfServiceProfile
//   scimConnectionArgs.ts  ScimConnection's args: the tenant values and one connection
export * from "./access";
export * from "./connection";
export * from "./entra";
export * from "./monitoring";
export { ConfigError, type ConfigProblem, formatProblems, knownKeys } from "./reader";
export * from "./saml";
export * from "./scim";
export * from "./scimConnectionArgs";
export * from "./selfService";
export * from "./stackConfig";
export { tenantKey } from "../helpers/ids";
