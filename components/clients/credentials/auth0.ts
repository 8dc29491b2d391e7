// The Auth0 Management API credentials, read the way the auth0 provider reads them (terraform-provider-auth0
// internal/provider/provider.go and internal/config/config.go, which @pulumi/auth0 bridges unchanged): the
// `auth0:*` stack config, else AUTH0_* (DefaultFunc), and the same choice: a static API token wins over client
// credentials; with client credentials a private-key assertion wins over a secret (authenticationOption).
// `auth0:cliLogin` and `auth0:dynamicCredentials` are the provider's own mechanisms and are refused with a hint.
import { CredentialSettingsError, type SettingsReader, type Sourced, noticeOnce, settingName } from "./settings";

export const AUTH0_CONFIG_KEYS = {
    domain: "auth0:domain",
    clientId: "auth0:clientId",
    clientSecret: "auth0:clientSecret",
    apiToken: "auth0:apiToken",
    audience: "auth0:audience",
    clientAssertionPrivateKey: "auth0:clientAssertionPrivateKey",
    clientAssertionSigningAlg: "auth0:clientAssertionSigningAlg",
    customDomainHeader: "auth0:customDomainHeader",
    cliLogin: "auth0:cliLogin",
    dynamicCredentials: "auth0:dynamicCredentials",
} as const;

export const AUTH0_ENV_VARS = {
    domain: "AUTH0_DOMAIN",
    clientId: "AUTH0_CLIENT_ID",
    clientSecret: "AUTH0_CLIENT_SECRET",
    apiToken: "AUTH0_API_TOKEN",
    audience: "AUTH0_AUDIENCE",
    clientAssertionPrivateKey: "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY",
    clientAssertionSigningAlg: "AUTH0_CLIENT_ASSERTION_SIGNING_ALG",
    customDomainHeader: "AUTH0_CUSTOM_DOMAIN_HEADER",
    cliLogin: "AUTH0_CLI_LOGIN",
    dynamicCredentials: "AUTH0_DYNAMIC_CREDENTIALS",
} as const;

type Auth0Setting = keyof typeof AUTH0_CONFIG_KEYS;

/** The M2M application's Management API scopes the ScimToken resource needs. */
export const SCIM_TOKEN_API_SCOPES = ["read:scim_token", "create:scim_token", "delete:scim_token"] as const;

export interface Auth0Credentials {
    domain: string;
    clientId?: string;
    clientSecret?: string;
    /** PEM private key for a private_key_jwt client assertion (instead of clientSecret). */
    clientAssertionSigningKey?: string;
    clientAssertionSigningAlg?: string;
    apiToken?: string;
    audience?: string;
    /** Sent as Auth0-Custom-Domain on the endpoints Auth0 allows it for. */
    customDomainHeader?: string;
}

/** Thrown when credentials are missing or malformed; names the settings, never their values. */
export class Auth0CredentialsError extends CredentialSettingsError {
    constructor(message: string) {
        super(message);
        this.name = "Auth0CredentialsError";
    }
}

/** `auth0:clientId (or AUTH0_CLIENT_ID)`. */
export function auth0Name(k: Auth0Setting): string {
    return settingName(AUTH0_CONFIG_KEYS[k], [AUTH0_ENV_VARS[k]]);
}

// Same truth test as the provider's DefaultFunc for these two: 1, true or on.
function enabled(r: SettingsReader, k: "cliLogin" | "dynamicCredentials"): Sourced<string> | undefined {
    const s = r.string(AUTH0_CONFIG_KEYS[k], [AUTH0_ENV_VARS[k]]);
    return s && ["1", "true", "on"].includes(s.value.toLowerCase()) ? s : undefined;
}

export function resolveAuth0From(r: SettingsReader): Auth0Credentials {
    const used: Sourced<string>[] = [];
    const pick = (k: Auth0Setting): string | undefined => {
        const s = r.string(AUTH0_CONFIG_KEYS[k], [AUTH0_ENV_VARS[k]]);
        if (s) used.push(s);
        return s?.value;
    };
    const refused = enabled(r, "dynamicCredentials") ?? enabled(r, "cliLogin");
    if (refused) {
        throw new Auth0CredentialsError(
            `Auth0 credentials: ${refused.from} is on, which only the auth0 provider itself implements: ` +
                `switch it off for this stack and set ${auth0Name("clientId")} with ${auth0Name("clientSecret")}, or ${auth0Name("apiToken")}.`,
        );
    }
    const rawDomain = pick("domain");
    if (rawDomain === undefined) {
        throw new Auth0CredentialsError(`Auth0 credentials: ${auth0Name("domain")} is not set; set it to the tenant domain, e.g. acme.eu.auth0.com.`);
    }
    const domain = rawDomain.replace(/^https:\/\//i, "").replace(/\/+$/, "");
    if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(domain)) {
        throw new Auth0CredentialsError(`Auth0 credentials: ${auth0Name("domain")} must be a host name such as acme.eu.auth0.com, without a path.`);
    }
    const optional = { audience: pick("audience"), customDomainHeader: pick("customDomainHeader") };
    const extras = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
    const apiToken = pick("apiToken");
    if (apiToken !== undefined) return announce({ domain, apiToken, ...extras }, used);

    const clientId = pick("clientId");
    const key = pick("clientAssertionPrivateKey");
    const alg = pick("clientAssertionSigningAlg");
    if (clientId !== undefined && key !== undefined) {
        if (alg === undefined)
            throw new Auth0CredentialsError(
                `Auth0 credentials: ${auth0Name("clientAssertionPrivateKey")} needs ${auth0Name("clientAssertionSigningAlg")} (e.g. RS256).`,
            );
        return announce({ domain, clientId, clientAssertionSigningKey: key, clientAssertionSigningAlg: alg, ...extras }, used);
    }
    const clientSecret = pick("clientSecret");
    if (clientId === undefined || clientSecret === undefined) {
        const missing = [clientId === undefined ? auth0Name("clientId") : undefined, clientSecret === undefined ? auth0Name("clientSecret") : undefined].filter(
            Boolean,
        );
        throw new Auth0CredentialsError(
            `Auth0 credentials: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set, and neither is ${auth0Name("apiToken")}. ` +
                `Use a machine-to-machine application authorized for the Management API with the scopes ${SCIM_TOKEN_API_SCOPES.join(" ")} ` +
                "(pulumi config set auth0:clientId ...; pulumi config set --secret auth0:clientSecret ...).",
        );
    }
    return announce({ domain, clientId, clientSecret, ...extras }, used);
}

/** Says once which environment variables the credentials came from (names only). */
function announce(c: Auth0Credentials, used: Sourced<string>[]): Auth0Credentials {
    const fromEnv = used.filter((s) => s.fromEnv).map((s) => s.from);
    if (fromEnv.length > 0) {
        noticeOnce(
            `auth0-entra-scim: Auth0 Management API credentials for ${c.domain} use ${fromEnv.join(", ")} from the environment (no auth0:* stack config for them).`,
        );
    }
    return c;
}
