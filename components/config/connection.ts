// One entry of `auth0-entra-scim:connections`: the Auth0 SAML connection, its SCIM side, and either a managed
// Entra app (`entra`) or the customer's own IdP (`saml`). Also the `connection` arg of ScimConnection.
import { type EntraConfig, type EntraDefaults, type EntraSettings, provisionGroupsOf, readEntra } from "./entra";
import { CONNECTION_NAME, HOSTNAME, type Raw, type Reader, type Settled, isMissing, join, knownKeys } from "./reader";
import { type SamlConfig, type SamlSettings, readSaml } from "./saml";
import { SCIM_KEYS, type ScimConfig, type ScimSettings, readScim } from "./scim";
import { type OrganizationSettings, readConnectionAccess } from "./access";
import { type SelfServiceSettings, readSelfService } from "./selfService";

export type SetUserRootAttributes = "on_each_login" | "on_first_login" | "never_on_login";
const SET_USER_ROOT_ATTRIBUTES: readonly SetUserRootAttributes[] = ["on_each_login", "on_first_login", "never_on_login"];

/** One connection as written in config (`auth0-entra-scim:connections[i]`, or ScimConnection's `connection` arg). */
export interface ConnectionConfig {
    /** The Auth0 connection name: letters, digits and '-', at most 128 characters. Required. */
    name: string;
    /** The name users see on the login button (at most 128 characters). Default: Auth0's (the name). */
    displayName?: string;
    /** Auth0 `set_user_root_attributes`. Default `on_first_login` (SCIM owns the profile; no sync at each login). */
    setUserRootAttributes?: SetUserRootAttributes;
    /** E-mail domains for home realm discovery. Default: none. */
    domainAliases?: string[];
    /**
     * Auth0 `show_as_button`: a button on the login page of every application the connection is enabled for. Default
     * true. A B2B vendor with one shared login page may want false: users then reach the connection by home realm
     * discovery (`domainAliases`) or an organization's own button.
     */
    showAsButton?: boolean;
    /** Auth0's SCIM configuration and token. Default: the walkthrough's settings. */
    scim?: ScimConfig;
    /** The managed Entra enterprise app. Absent: Auth0 side only; the customer's admin configures Entra. */
    entra?: EntraConfig;
    /** The customer's own IdP; required without `entra` and `selfService`, not allowed with them. */
    saml?: SamlConfig;
    /** Auth0 application client ids that may use the connection. Absent: not managed (left as the dashboard has it). */
    enabledClients?: string[];
    /** Organizations the connection is enabled for, `[{id, assignMembershipOnLogin?, isSignupEnabled?, showAsButton?}]`. Default: none. */
    organizations?: OrganizationSettings[];
    /** The customer's admin sets up the IdP and their SCIM tokens in Auth0's hosted flow (docs/b2b.md); not with entra or saml. */
    selfService?: Partial<SelfServiceSettings>;
}

/** ConnectionConfig with defaults applied and its blocks validated. */
export interface ConnectionSettings extends Settled<ConnectionConfig, "displayName" | "entra" | "saml" | "enabledClients" | "selfService"> {
    scim: ScimSettings;
    entra?: EntraSettings;
    saml?: SamlSettings;
    selfService?: SelfServiceSettings;
}

export const CONNECTION_KEYS = knownKeys<ConnectionConfig>({
    name: true,
    displayName: true,
    setUserRootAttributes: true,
    domainAliases: true,
    showAsButton: true,
    scim: true,
    entra: true,
    saml: true,
    enabledClients: true,
    organizations: true,
    selfService: true,
});

export function readConnection(r: Reader, item: unknown, path: string, entraDefaults: EntraDefaults): ConnectionSettings | undefined {
    const raw = r.block<ConnectionConfig>(item, path, "a connection: {name, scim?, entra?, saml?}", CONNECTION_KEYS);
    if (!raw) {
        if (isMissing(item)) r.fail(path, "must be a connection object {name, ...}.");
        return undefined;
    }
    const name = readName(r, raw.name, join(path, "name"));
    const displayName = r.string(raw.displayName, join(path, "displayName"), "the name users see on the login button");
    if (displayName !== undefined && displayName.length > 128) r.fail(join(path, "displayName"), "must be at most 128 characters.");
    const setUserRootAttributes = r.oneOf(raw.setUserRootAttributes, join(path, "setUserRootAttributes"), SET_USER_ROOT_ATTRIBUTES) ?? "on_first_login";
    const domainAliases = r.stringList(
        raw.domainAliases,
        join(path, "domainAliases"),
        "e-mail domains for home realm discovery",
        r.matching(
            (s) => HOSTNAME.test(s),
            (s) => `"${s}" is not a domain name such as example.com.`,
        ),
    );

    const showAsButton = r.boolean(raw.showAsButton, join(path, "showAsButton")) ?? true;

    const entraRaw = r.object(raw.entra, join(path, "entra"), "the managed Entra enterprise app") as Raw<EntraConfig> | undefined;
    const scimRaw = r.block<ScimConfig>(raw.scim, join(path, "scim"), "SCIM settings", SCIM_KEYS);
    const scim = readScim(r, scimRaw, join(path, "scim"), entraRaw ? provisionGroupsOf(entraRaw) : undefined);
    // Without a valid name the entra block is still checked, so every problem shows at once.
    const entra = entraRaw ? readEntra(r, entraRaw, join(path, "entra"), name ?? "connection", displayName, entraDefaults) : undefined;
    const samlRaw = r.object(raw.saml, join(path, "saml"), "the IdP's SAML settings") as Raw<SamlConfig> | undefined;
    const access = readConnectionAccess(r, raw, path);
    const selfService = readSelfService(r, raw, path, access);
    const saml = readSaml(r, samlRaw, join(path, "saml"), entraRaw === undefined && isMissing(raw.entra) && isMissing(raw.selfService));
    if (entraRaw && samlRaw) {
        r.fail(
            join(path, "saml"),
            "is set together with entra: with a managed Entra app the stack wires SAML from the app's own certificate. Remove saml, or remove entra for an Auth0-only connection.",
        );
    }
    if (!name) return undefined;
    return {
        name,
        ...(displayName !== undefined ? { displayName } : {}),
        setUserRootAttributes,
        domainAliases,
        showAsButton,
        scim,
        ...(entra ? { entra } : {}),
        ...(saml ? { saml } : {}),
        ...access,
        ...(selfService ? { selfService } : {}),
    };
}

function readName(r: Reader, v: unknown, namePath: string): string | undefined {
    const name = r.string(v, namePath, "the Auth0 connection name");
    if (isMissing(v)) r.fail(namePath, "is required: the Auth0 connection name, e.g. acme-entra.");
    if (name !== undefined && !CONNECTION_NAME.test(name)) {
        r.fail(
            namePath,
            `"${name}" is not a valid Auth0 connection name: use letters, digits and '-', at most 128 characters, not starting or ending with '-'.`,
        );
        return undefined;
    }
    return name;
}
