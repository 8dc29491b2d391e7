// One source of truth for the credentials of the custom resources: the stack config the dynamic-provider host
// delivers (components/dynamic/withStackConfig.ts stores it), then the environment, read with the azuread and auth0
// providers' own keys, variables and precedence. docs/credentials.md explains each rule and its source.
import type { TokenCredential } from "@azure/identity";
import { type Auth0Credentials, resolveAuth0From } from "./auth0";
import { type CredentialTransport, entraCredential } from "./entraCredential";
import { type Cloud, type EntraSettings, describeEntraSettings, resolveCloud, resolveEntraSettings, usesEnvironment } from "./entraSettings";
import { type ConfigLookup, SettingsReader, noticeOnce, stackConfig } from "./settings";

export { AUTH0_CONFIG_KEYS, AUTH0_ENV_VARS, Auth0CredentialsError, SCIM_TOKEN_API_SCOPES, auth0Name, type Auth0Credentials } from "./auth0";
export { type CredentialTransport, entraCredential } from "./entraCredential";
export { AZUREAD_SETTINGS, azureadName, describeEntraSettings, resolveEntraSettings, type Cloud, type EntraAuth, type EntraSettings } from "./entraSettings";
export { readPkcs12, Pkcs12Error } from "./pkcs12";
export { type ConfigLookup, CredentialSettingsError, SettingsReader, noticeOnce, setNoticeSink, setStackConfig, stackConfig } from "./settings";

/**
 * Auth0 credentials from `config` (default: the stack config this process was configured with), then `env`.
 * Kept under its old name; components/clients/auth0Management.ts re-exports it.
 */
export function resolveAuth0Credentials(config?: ConfigLookup, env: NodeJS.ProcessEnv = process.env): Auth0Credentials {
    return resolveAuth0From(new SettingsReader(config ?? stackConfig(), env));
}

/** The Entra settings for a tenant (default: azuread:tenantId / ARM_TENANT_ID) from this process's stack config and env. */
export function entraSettings(tenantId?: string, env: NodeJS.ProcessEnv = process.env, config: ConfigLookup | undefined = stackConfig()): EntraSettings {
    const s = resolveEntraSettings(new SettingsReader(config, env), tenantId);
    if (usesEnvironment(s)) noticeOnce(`auth0-entra-scim: Microsoft Graph credentials: ${describeEntraSettings(s)}.`);
    return s;
}

/** The cloud `azuread:environment` (or ARM_ENVIRONMENT) names; public when unset. */
export function entraCloud(env: NodeJS.ProcessEnv = process.env, config: ConfigLookup | undefined = stackConfig()): Cloud {
    return resolveCloud(new SettingsReader(config, env)).value;
}

/** A Graph credential and what it is made of, for a tenant, from this process's stack config and env. */
export function graphCredential(tenantId?: string, transport?: CredentialTransport): { credential: TokenCredential; settings: EntraSettings } {
    const settings = entraSettings(tenantId);
    return { credential: entraCredential(settings, transport), settings };
}
