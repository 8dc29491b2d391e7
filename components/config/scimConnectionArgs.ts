// ScimConnection's args: the stack's tenant values and exactly one entry of `connections`, checked by the same
// readers as the stack config, with problems named by their path in the args (`connection.entra.assignments...`).
import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionConfig, type ConnectionSettings, readConnection } from "./connection";
import { ConfigError, type Raw, Reader, isMissing, knownKeys } from "./reader";
import { type TenantPaths, type TenantSettings, readTenants, validEntraTenant } from "./stackConfig";

/** What `new ScimConnection(name, args, opts)` takes. Plain values (not Outputs) but the profile id: they are validated up front. */
export interface ScimConnectionArgs {
    /** Canonical Auth0 tenant domain, e.g. `acme.eu.auth0.com`: the SCIM endpoint's host (the stack's `auth0:domain`). */
    auth0Domain: string;
    /** Auth0 tenant name for the SAML entity id `urn:auth0:{tenant}:{connection}`. Default: from a `*.auth0.com` auth0Domain. */
    auth0TenantName?: string;
    /** Auth0 custom domain (host only) for the SAML reply URL. Default: auth0Domain. */
    customDomain?: string;
    /**
     * Entra tenant of the managed app when `connection.entra.tenantId` is unset (the stack's `azuread:tenantId`). It must be
     * the tenant the azuread provider (the default one, or `opts.providers`) signs in to. Not read from the environment.
     */
    entraTenantId?: string;
    /** Exactly one entry of the stack's `auth0-entra-scim:connections`: the same keys, the same defaults. */
    connection: ConnectionConfig;
    /** The self-service profile a self-service connection's tickets are issued from (the stack declares one per stack). */
    selfServiceProfileId?: pulumi.Input<string>;
}

/** The args with defaults applied. */
export interface ScimConnectionSettings {
    tenants: TenantSettings;
    connection: ConnectionSettings;
}

const ARGS_KEYS = knownKeys<ScimConnectionArgs>({
    auth0Domain: true,
    auth0TenantName: true,
    customDomain: true,
    entraTenantId: true,
    connection: true,
    selfServiceProfileId: true,
});

const ARGS_PATHS: TenantPaths = {
    auth0Domain: "auth0Domain",
    tenantName: "auth0TenantName",
    customDomain: "customDomain",
    entraTenantId: "entraTenantId",
    setAuth0Domain: "the canonical Auth0 tenant domain, e.g. acme.eu.auth0.com",
    setTenantName: "set auth0TenantName",
};

/** Validates ScimConnection's args; throws one ConfigError listing every problem with its path. */
export function parseScimConnectionArgs(args: ScimConnectionArgs, subject = "ScimConnection args"): ScimConnectionSettings {
    const r = new Reader();
    // Typed callers always pass an object; JavaScript callers may not.
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
        throw new ConfigError([{ path: "args", message: "must be an object {auth0Domain, connection, ...}." }], subject);
    }
    const raw = args as Raw<ScimConnectionArgs>;
    r.keys(raw, "", ARGS_KEYS);
    const tenants = readTenants(r, { ...raw, tenantName: raw.auth0TenantName }, ARGS_PATHS);
    const connection = readConnection(r, raw.connection, "connection", {
        tenantId: validEntraTenant(raw.entraTenantId),
        setTenantId: "set the entraTenantId arg, or this key",
        defaultMalformed: validEntraTenant(raw.entraTenantId) === undefined && !isMissing(raw.entraTenantId),
    });
    if (connection?.selfService && raw.selfServiceProfileId === undefined) {
        r.fail(
            "selfServiceProfileId",
            "is required: connection.selfService is set, and Auth0 issues its tickets from a self-service profile (an auth0.SelfServiceProfile's id).",
        );
    }
    if (r.problems.length > 0 || !tenants || !connection) throw new ConfigError(r.problems, subject);
    return { tenants, connection };
}
