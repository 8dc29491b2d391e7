// Where the plan's Auth0 domain, Entra tenant and (with monitoring) Azure subscription came from. The providers
// (and the program, components/stack.ts readRawConfig) fall back to AUTH0_DOMAIN, ARM_TENANT_ID and
// ARM_SUBSCRIPTION_ID when the stack file lacks the key, so a missing or misspelt key silently plans for whatever
// tenant or subscription the shell points at: the plan's header says which one it used.
import * as path from "node:path";
import { ENCRYPTED_MARKER, type StackFile } from "./stackFile";

export interface ValueSource {
    /** The value used; undefined when neither the stack file nor the environment has one. */
    value?: string;
    /** `stack file`: the key in the file; `environment`: the variable; `unset`: neither. */
    from: "stack file" | "environment" | "unset";
    /** The config key, e.g. `auth0:domain`. */
    key: string;
    /** The environment variable the provider falls back to, e.g. `AUTH0_DOMAIN`. */
    envVar: string;
    /** True when the stack file holds it as a `secure:` value, which the plan cannot read. */
    encrypted: boolean;
}

export interface PlanSources {
    auth0Domain: ValueSource;
    entraTenantId: ValueSource;
    /** The subscription monitoring deploys into for the stack's own tenant (the azure-native provider's). */
    azureSubscriptionId: ValueSource;
    /** Whether the stack file sets these optional keys; unset, the program derives the tenant name from the domain
     * and puts the SAML reply URLs on auth0:domain. */
    tenantNameSet: boolean;
    customDomainSet: boolean;
}

function source(stack: StackFile, env: NodeJS.ProcessEnv, key: string, envVar: string): ValueSource {
    const inFile = stack.config[key];
    if (inFile !== undefined && inFile !== null) {
        const encrypted = inFile === ENCRYPTED_MARKER;
        return { ...(encrypted ? {} : { value: String(inFile) }), from: "stack file", key, envVar, encrypted };
    }
    const fromEnv = env[envVar];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, from: "environment", key, envVar, encrypted: false };
    return { from: "unset", key, envVar, encrypted: false };
}

/** The same lookups as readRawConfig: the stack file's key first, then the provider's environment variable. */
export function planSources(stack: StackFile, env: NodeJS.ProcessEnv): PlanSources {
    return {
        auth0Domain: source(stack, env, "auth0:domain", "AUTH0_DOMAIN"),
        entraTenantId: source(stack, env, "azuread:tenantId", "ARM_TENANT_ID"),
        azureSubscriptionId: source(stack, env, "azure-native:subscriptionId", "ARM_SUBSCRIPTION_ID"),
        tenantNameSet: stack.config["auth0-entra-scim:tenantName"] != null,
        customDomainSet: stack.config["auth0-entra-scim:customDomain"] != null,
    };
}

/**
 * The values the program derives when an optional key is unset: the Auth0 tenant name (SAML entity ids) and the
 * host of the SAML reply URLs, each with where it came from.
 */
export function describeDerived(settings: { auth0Domain: string; auth0TenantName: string; customDomain?: string }, s: PlanSources, file: string): string[] {
    const name = path.basename(file);
    return [
        s.tenantNameSet
            ? `Auth0 tenant name: ${settings.auth0TenantName} (auth0-entra-scim:tenantName in ${name})`
            : `Auth0 tenant name: ${settings.auth0TenantName} (derived from auth0:domain: auth0-entra-scim:tenantName is not set in ${name})`,
        settings.customDomain
            ? `SAML reply URLs on: ${settings.customDomain} (auth0-entra-scim:customDomain in ${name})`
            : `SAML reply URLs on: ${settings.auth0Domain} (auth0:domain: auth0-entra-scim:customDomain is not set in ${name})`,
    ];
}

/** One header line, e.g. `Auth0 domain: acme.eu.auth0.com (auth0:domain in Pulumi.dev.yaml)`. */
export function describeSource(label: string, s: ValueSource, file: string): string {
    const name = path.basename(file);
    if (s.from === "stack file") {
        return s.encrypted
            ? `${label}: encrypted (${s.key} is a secure: value in ${name}; the plan cannot decrypt it)`
            : `${label}: ${s.value} (${s.key} in ${name})`;
    }
    if (s.from === "environment") return `${label}: ${s.value} (environment variable ${s.envVar}: ${s.key} is not set in ${name})`;
    return `${label}: not set (neither ${s.key} in ${name} nor ${s.envVar})`;
}
