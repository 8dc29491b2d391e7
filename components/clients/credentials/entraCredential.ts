// Turns the resolved Entra settings into an @azure/identity TokenCredential for Microsoft Graph, one credential
// per distinct setting (kept, so its token cache is reused across the requests of one `pulumi up`).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import {
    AzureCliCredential,
    ClientAssertionCredential,
    ClientCertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
    type TokenCredential,
    type TokenCredentialOptions,
} from "@azure/identity";
import { type EntraSettings, azureadName } from "./entraSettings";
import { Pkcs12Error, readPkcs12 } from "./pkcs12";
import { CredentialSettingsError, type Sourced } from "./settings";

/** Test seams: where the token requests go (an HTTP client for a local stand-in) and the login host. */
export interface CredentialTransport {
    /** Replaces the cloud's login host (tests: a name the httpClient maps to 127.0.0.1). */
    authorityHost?: string;
    httpClient?: TokenCredentialOptions["httpClient"];
    /** For the OIDC token request (GitHub Actions); default the global fetch. */
    fetch?: typeof fetch;
}

const cache = new Map<string, TokenCredential>();

/** The credential for these settings; settings that differ in any value get their own credential. */
export function entraCredential(s: EntraSettings, transport: CredentialTransport = {}): TokenCredential {
    const { httpClient, fetch: _f, ...plain } = transport;
    const key = createHash("sha256")
        .update(JSON.stringify([s, plain]))
        .digest("hex");
    const cached = httpClient ? undefined : cache.get(key);
    if (cached) return cached;
    const credential = build(s, transport);
    if (!httpClient) cache.set(key, credential);
    return credential;
}

function build(s: EntraSettings, transport: CredentialTransport): TokenCredential {
    const options: TokenCredentialOptions = {
        authorityHost: transport.authorityHost ?? s.cloud.value.authorityHost,
        ...(transport.httpClient ? { httpClient: transport.httpClient } : {}),
    };
    const tenant = s.tenantId?.value ?? "";
    const clientId = s.clientId?.value ?? "";
    const a = s.auth;
    switch (a.kind) {
        case "clientCertificate":
            return new ClientCertificateCredential(tenant, clientId, { certificate: certificatePem(a) }, options);
        case "clientSecret":
            return new ClientSecretCredential(tenant, clientId, a.secret.value, options);
        case "oidcToken":
            return new ClientAssertionCredential(tenant, clientId, async () => oidcToken(a.token, a.file), options);
        case "oidcRequest":
            return new ClientAssertionCredential(tenant, clientId, () => requestOidcToken(a.url, a.token, transport.fetch ?? fetch), options);
        case "managedIdentity":
            // go-azure-sdk passes the client id as the user-assigned identity's (auth.go, ManagedIdentityAuthorizerOptions).
            return s.clientId ? new ManagedIdentityCredential({ clientId, ...options }) : new ManagedIdentityCredential(options);
        case "azureCli":
            return new AzureCliCredential(s.tenantId ? { tenantId: tenant } : {});
    }
}

function certificatePem(a: { certificate?: Sourced<string>; path?: Sourced<string>; password?: Sourced<string> }): string {
    const source = a.certificate ?? a.path;
    let der: Buffer;
    if (a.certificate) {
        der = Buffer.from(a.certificate.value.replace(/\s+/g, ""), "base64");
    } else {
        try {
            der = readFileSync((a.path as Sourced<string>).value);
        } catch (e) {
            throw new CredentialSettingsError(`could not read the PKCS#12 file that ${a.path?.from} names: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
        }
    }
    try {
        return readPkcs12(der, a.password?.value ?? "").pem;
    } catch (e) {
        if (!(e instanceof Pkcs12Error)) throw e;
        throw new CredentialSettingsError(
            `the client certificate from ${source?.from} is not usable: ${e.message}. ` +
                `It must be a PKCS#12 bundle (base64 in ${azureadName("clientCertificate")}, or a .pfx file at ${azureadName("clientCertificatePath")}), ` +
                `with its password in ${azureadName("clientCertificatePassword")}.`,
        );
    }
}

/** The federated token, read at each token request; a given token and a file must agree (azuread helpers.go). */
function oidcToken(token?: Sourced<string>, file?: Sourced<string>): string {
    if (!file) return (token as Sourced<string>).value;
    let fromFile: string;
    try {
        fromFile = readFileSync(file.value, "utf8").trim();
    } catch (e) {
        throw new CredentialSettingsError(`could not read the OIDC token file that ${file.from} names: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
    }
    if (token && token.value !== fromFile)
        throw new CredentialSettingsError(`${token.from} and the file ${file.from} names disagree: remove one, or make them match.`);
    return fromFile;
}

/** GitHub Actions' ID token for Entra (audience api://AzureADTokenExchange, as go-azure-sdk's GitHub OIDC authorizer asks). */
async function requestOidcToken(url: Sourced<string>, token: Sourced<string>, fetchImpl: typeof fetch): Promise<string> {
    const target = new URL(url.value);
    target.searchParams.set("audience", "api://AzureADTokenExchange");
    const res = await fetchImpl(target, {
        headers: { Authorization: `Bearer ${token.value}`, Accept: "application/json" },
        signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`the OIDC token request to the URL from ${url.from} failed with HTTP ${res.status} (request token from ${token.from})`);
    const body = (await res.json()) as { value?: string };
    if (!body.value) throw new Error(`the OIDC token request to the URL from ${url.from} returned no token`);
    return body.value;
}
