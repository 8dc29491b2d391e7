// Self-service connections (`connections[].selfService`) and the stack's self-service profile
// (`auth0-entra-scim:selfServiceProfile`): the customer's admin sets up the IdP side and their own SCIM token
// in Auth0's hosted flow (docs/b2b.md). Pure: reads raw values and reports problems with their paths.
import type { ConfigReader, ConnectionAccessSettings } from "./access";
import { HOSTNAME, knownKeys } from "./reader";

/** `domain_aliases_config.domain_verification` of the ticket (auth0 SDK SelfServiceProfileSsoTicketDomainVerificationEnum). */
export type DomainVerification = "none" | "optional" | "required";
export const DOMAIN_VERIFICATIONS: readonly DomainVerification[] = ["none", "optional", "required"];

/** What the ticket lets the customer's admin do on the connection the stack declared (an edit-connection ticket). */
export interface SelfServiceSettings {
    /** The admin may edit the SAML side (sign-in URL, certificate, attribute mapping). Default true. */
    sso: boolean;
    /** The admin may set up SCIM provisioning and generate their own tokens. Default true. */
    provisioning: boolean;
    /** Whether the admin verifies e-mail domains in the flow; verified domains become the connection's domain aliases. */
    domainVerification: DomainVerification;
    /** Domains the admin is asked to verify (needs domainVerification optional or required). */
    pendingDomains: string[];
    /** Use verified domains for organization discovery (needs exactly one organization). */
    useForOrganizationDiscovery?: boolean;
}

export const SELF_SERVICE_KEYS = knownKeys<SelfServiceSettings>({
    sso: true,
    provisioning: true,
    domainVerification: true,
    pendingDomains: true,
    useForOrganizationDiscovery: true,
});

/** Identity providers the hosted flow may offer (auth0 SDK SelfServiceProfileAllowedStrategyEnum). */
export const SELF_SERVICE_STRATEGIES = [
    "oidc",
    "samlp",
    "waad",
    "google-apps",
    "adfs",
    "okta",
    "auth0-samlp",
    "okta-samlp",
    "keycloak-samlp",
    "pingfederate",
] as const;

export interface SelfServiceUserAttribute {
    /** Attribute name in Auth0, e.g. email. */
    name: string;
    /** What the admin is told the attribute is. */
    description: string;
    /** False: the admin must map it. */
    isOptional: boolean;
}

export interface SelfServiceProfileSettings {
    name: string;
    description?: string;
    branding?: { logoUrl?: string; primaryColor?: string };
    /** Undefined: Auth0 offers every strategy it supports. */
    allowedStrategies?: string[];
    userAttributes: SelfServiceUserAttribute[];
}

/** `selfServiceProfile.branding` as written in config (the settings flatten colors.primary to primaryColor). */
interface BrandingConfig {
    logoUrl?: string;
    colors?: { primary?: string };
}

export const SELF_SERVICE_PROFILE_KEYS = knownKeys<SelfServiceProfileSettings>({
    name: true,
    description: true,
    branding: true,
    allowedStrategies: true,
    userAttributes: true,
});
const BRANDING_KEYS = knownKeys<BrandingConfig>({ logoUrl: true, colors: true });
const COLORS_KEYS = knownKeys<NonNullable<BrandingConfig["colors"]>>({ primary: true });
const USER_ATTRIBUTE_KEYS = knownKeys<SelfServiceUserAttribute>({ name: true, description: true, isOptional: true });
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function readDomainVerification(r: ConfigReader, v: unknown, path: string): DomainVerification {
    if (v === undefined || v === null) return "none";
    if (typeof v === "string" && (DOMAIN_VERIFICATIONS as readonly string[]).includes(v)) return v as DomainVerification;
    r.fail(path, `must be one of ${DOMAIN_VERIFICATIONS.join(", ")} (whether the customer's admin verifies e-mail domains in the flow).`);
    return "none";
}

/**
 * Reads `connections[i].selfService`. `raw` is the whole connection (for the keys a self-service connection
 * must not have); `access` is its enabled clients and organizations.
 */
export function readSelfService(
    r: ConfigReader,
    connection: Record<string, unknown>,
    path: string,
    access: ConnectionAccessSettings,
): SelfServiceSettings | undefined {
    const ssPath = `${path}.selfService`;
    const raw = r.object(connection.selfService, ssPath, "{sso?, provisioning?, domainVerification?, pendingDomains?, useForOrganizationDiscovery?}");
    if (!raw) return undefined;
    r.keys(raw, ssPath, SELF_SERVICE_KEYS);
    for (const other of ["entra", "saml"] as const) {
        if (connection[other] !== undefined && connection[other] !== null) {
            r.fail(
                `${path}.${other}`,
                `is set together with selfService: in a self-service connection the customer's admin configures the IdP in Auth0's hosted flow. ` +
                    `Remove ${other} (keep selfService), or remove selfService to manage the IdP from this stack.`,
            );
        }
    }
    // The stack never sends a self-service connection's options (a PATCH replaces them whole, wiping what the admin set).
    for (const key of ["domainAliases", "setUserRootAttributes"] as const) {
        if (connection[key] !== undefined && connection[key] !== null) {
            const fix = key === "domainAliases" ? "list them in selfService.pendingDomains for the admin to verify" : "set it on the connection after the flow";
            r.fail(`${path}.${key}`, `cannot be declared on a self-service connection: it is a connection option, which the admin's flow owns; ${fix}.`);
        }
    }
    const rotation = (connection.scim as Record<string, unknown> | undefined)?.tokenRotationDays;
    if (rotation !== undefined && rotation !== null) {
        r.fail(
            `${path}.scim.tokenRotationDays`,
            "does not apply to a self-service connection: the customer's admin generates and rotates their own SCIM tokens.",
        );
    }
    const sso = r.boolean(raw.sso, `${ssPath}.sso`) ?? true;
    const provisioning = r.boolean(raw.provisioning, `${ssPath}.provisioning`) ?? true;
    const domainVerification = readDomainVerification(r, raw.domainVerification, `${ssPath}.domainVerification`);
    const pendingDomains = r.stringList(raw.pendingDomains, `${ssPath}.pendingDomains`, "e-mail domains for the admin to verify", (s, p) => {
        if (HOSTNAME.test(s)) return true;
        r.fail(p, `"${s}" is not a domain name such as example.com.`);
        return false;
    });
    if (pendingDomains.length > 0 && domainVerification === "none") {
        r.fail(`${ssPath}.pendingDomains`, 'needs selfService.domainVerification "optional" or "required": Auth0 only asks the admin to verify domains then.');
    }
    const useForOrganizationDiscovery = r.boolean(raw.useForOrganizationDiscovery, `${ssPath}.useForOrganizationDiscovery`);
    if (useForOrganizationDiscovery === true) {
        if (access.organizations.length !== 1) {
            r.fail(`${ssPath}.useForOrganizationDiscovery`, `needs exactly one entry in ${path}.organizations (it has ${access.organizations.length}).`);
        }
        if (domainVerification === "none") {
            r.fail(
                `${ssPath}.useForOrganizationDiscovery`,
                'needs selfService.domainVerification "optional" or "required": only verified domains are used for discovery.',
            );
        }
    }
    if (!sso && !provisioning && domainVerification === "none") {
        r.fail(ssPath, "enables nothing: the ticket needs sso, provisioning or domain verification.");
    }
    return {
        sso,
        provisioning,
        domainVerification,
        pendingDomains,
        ...(useForOrganizationDiscovery !== undefined ? { useForOrganizationDiscovery } : {}),
    };
}

function readBranding(r: ConfigReader, v: unknown, path: string): SelfServiceProfileSettings["branding"] {
    const raw = r.object(v, path, "{logoUrl?, colors?: {primary}}");
    if (!raw) return undefined;
    r.keys(raw, path, BRANDING_KEYS);
    const logoUrl = r.string(raw.logoUrl, `${path}.logoUrl`, "an https:// URL of the logo");
    if (logoUrl !== undefined && (!/^https:\/\/\S+$/.test(logoUrl) || logoUrl.length > 1024)) {
        r.fail(`${path}.logoUrl`, "must be an https:// URL of at most 1024 characters.");
    }
    const colors = r.object(raw.colors, `${path}.colors`, "{primary}");
    if (colors) r.keys(colors, `${path}.colors`, COLORS_KEYS);
    const primaryColor = r.string(colors?.primary, `${path}.colors.primary`, "a hex color such as #0059d6");
    if (colors && primaryColor === undefined && (colors.primary === undefined || colors.primary === null)) {
        r.fail(`${path}.colors.primary`, "is required with branding.colors: a hex color such as #0059d6.");
    }
    if (primaryColor !== undefined && !HEX_COLOR.test(primaryColor)) r.fail(`${path}.colors.primary`, `"${primaryColor}" is not a hex color such as #0059d6.`);
    return { ...(logoUrl !== undefined ? { logoUrl } : {}), ...(primaryColor !== undefined ? { primaryColor } : {}) };
}

function readUserAttributes(r: ConfigReader, v: unknown, path: string): SelfServiceUserAttribute[] {
    const list = r.array(v, path, "[{name, description, isOptional}, ...]") ?? [];
    if (list.length > 20) r.fail(path, `has ${list.length} entries; Auth0 allows at most 20.`);
    const out: SelfServiceUserAttribute[] = [];
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
        const p = `${path}[${i}]`;
        const raw = r.object(item, p, "{name, description, isOptional}");
        if (!raw) {
            if (item === undefined || item === null) r.fail(p, "must be an object {name, description, isOptional}.");
            return;
        }
        r.keys(raw, p, USER_ATTRIBUTE_KEYS);
        const name = r.string(raw.name, `${p}.name`, "the Auth0 attribute, e.g. email");
        const description = r.string(raw.description, `${p}.description`, "what the admin is told the attribute is");
        const isOptional = r.boolean(raw.isOptional, `${p}.isOptional`);
        for (const [key, value] of [
            ["name", name],
            ["description", description],
        ] as const) {
            if (raw[key] === undefined || raw[key] === null) r.fail(`${p}.${key}`, "is required.");
            else if (value !== undefined && value.length > 255) r.fail(`${p}.${key}`, "must be at most 255 characters.");
        }
        if (raw.isOptional === undefined || raw.isOptional === null) r.fail(`${p}.isOptional`, "is required: true or false (whether the admin may skip it).");
        if (name === undefined || description === undefined || isOptional === undefined) return;
        const first = seen.get(name);
        if (first !== undefined) {
            r.fail(`${p}.name`, `duplicate of ${path}[${first}] ("${name}").`);
            return;
        }
        seen.set(name, i);
        out.push({ name, description, isOptional });
    });
    return out;
}

/** Reads `auth0-entra-scim:selfServiceProfile`; `selfServiceConnections` names the connections that need it. */
export function readSelfServiceProfile(r: ConfigReader, v: unknown, selfServiceConnections: readonly string[]): SelfServiceProfileSettings | undefined {
    const path = "selfServiceProfile";
    const raw = r.object(v, path, "{name, description?, branding?, allowedStrategies?, userAttributes?}");
    if (!raw) {
        if (selfServiceConnections.length > 0) {
            r.fail(
                path,
                `is required: connections ${selfServiceConnections.join(", ")} are self-service, and Auth0 issues their tickets from a self-service profile. ` +
                    "Set auth0-entra-scim:selfServiceProfile to {name: ..., userAttributes: [...]}.",
            );
        }
        return undefined;
    }
    r.keys(raw, path, SELF_SERVICE_PROFILE_KEYS);
    const name = r.string(raw.name, `${path}.name`, "the profile's name");
    if (raw.name === undefined || raw.name === null) r.fail(`${path}.name`, "is required: the profile's name (at most 100 characters).");
    if (name !== undefined && name.length > 100) r.fail(`${path}.name`, "must be at most 100 characters.");
    const description = r.string(raw.description, `${path}.description`, "the profile's description");
    if (description !== undefined && description.length > 140) r.fail(`${path}.description`, "must be at most 140 characters.");
    const branding = readBranding(r, raw.branding, `${path}.branding`);
    const known = SELF_SERVICE_STRATEGIES as readonly string[];
    const strategiesPath = `${path}.allowedStrategies`;
    const allowedStrategies =
        raw.allowedStrategies === undefined || raw.allowedStrategies === null
            ? undefined
            : r.stringList(raw.allowedStrategies, strategiesPath, "identity provider strategies", (s, p) => {
                  if (known.includes(s)) return true;
                  r.fail(p, `unknown strategy "${s}". Auth0 offers: ${known.join(", ")}.`);
                  return false;
              });
    // UNCONFIRMED: whether Auth0 refuses an edit ticket for a strategy the profile does not allow; the stack's
    // self-service connections are samlp, so a profile without samlp would offer the admin nothing that fits.
    if (allowedStrategies && selfServiceConnections.length > 0 && !allowedStrategies.includes("samlp")) {
        r.fail(strategiesPath, `must include "samlp": the stack's self-service connections (${selfServiceConnections.join(", ")}) are SAML connections.`);
    }
    const userAttributes = readUserAttributes(r, raw.userAttributes, `${path}.userAttributes`);
    if (name === undefined) return undefined;
    return {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(branding && Object.keys(branding).length > 0 ? { branding } : {}),
        ...(allowedStrategies !== undefined ? { allowedStrategies } : {}),
        userAttributes,
    };
}
