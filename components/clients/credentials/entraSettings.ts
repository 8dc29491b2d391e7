// The Entra (Microsoft Graph) credential settings, read the way the azuread provider reads them: the same
// `azuread:*` keys and ARM_* variables (terraform-provider-azuread internal/provider/provider.go, pulumi-azuread
// provider/resources.go), config before env, and the same choice of method (go-azure-sdk
// auth.NewAuthorizerFromCredentials): client certificate, client secret, OIDC token, OIDC token request, managed
// identity, Azure CLI; each only when enabled and complete. docs/credentials.md cites each rule.
import { readFileSync } from "node:fs";
import { CredentialSettingsError, type Sourced, type SettingsReader, settingName } from "./settings";

/** The azuread settings: stack config key (without `azuread:`) and the env vars the provider falls back to, in order. */
export const AZUREAD_SETTINGS = {
    tenantId: ["ARM_TENANT_ID"],
    clientId: ["ARM_CLIENT_ID"],
    clientIdFilePath: ["ARM_CLIENT_ID_FILE_PATH"],
    environment: ["ARM_ENVIRONMENT"],
    metadataHost: ["ARM_METADATA_HOSTNAME"],
    clientCertificate: ["ARM_CLIENT_CERTIFICATE"],
    clientCertificatePath: ["ARM_CLIENT_CERTIFICATE_PATH"],
    clientCertificatePassword: ["ARM_CLIENT_CERTIFICATE_PASSWORD"],
    clientSecret: ["ARM_CLIENT_SECRET"],
    clientSecretFilePath: ["ARM_CLIENT_SECRET_FILE_PATH"],
    useOidc: ["ARM_USE_OIDC"],
    oidcToken: ["ARM_OIDC_TOKEN"],
    oidcTokenFilePath: ["ARM_OIDC_TOKEN_FILE_PATH"],
    oidcRequestToken: ["ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"],
    oidcRequestUrl: ["ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"],
    adoPipelineServiceConnectionId: ["ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"],
    useAksWorkloadIdentity: ["ARM_USE_AKS_WORKLOAD_IDENTITY"],
    useMsi: ["ARM_USE_MSI"],
    msiEndpoint: ["ARM_MSI_ENDPOINT"],
    useCli: ["ARM_USE_CLI"],
} as const;

export type AzureadSetting = keyof typeof AZUREAD_SETTINGS;

/** `azuread:clientId (or ARM_CLIENT_ID)`. */
export function azureadName(k: AzureadSetting): string {
    return settingName(`azuread:${k}`, AZUREAD_SETTINGS[k]);
}

/** A national cloud: where tokens come from and where Microsoft Graph answers. */
export interface Cloud {
    name: string;
    authorityHost: string;
    /** Microsoft Graph v1.0 base URL. */
    graphUrl: string;
    /** The scope a token for this cloud's Graph asks for (go-azure-sdk api.DefaultScope: the Graph origin + /.default). */
    graphScope: string;
}

// go-azure-sdk sdk/environments: FromName and azure_public.go / azure_gov.go / azure_china.go.
const CLOUDS: Record<string, Cloud> = {
    public: {
        name: "public",
        authorityHost: "https://login.microsoftonline.com",
        graphUrl: "https://graph.microsoft.com/v1.0",
        graphScope: "https://graph.microsoft.com/.default",
    },
    usgovernment: {
        name: "usgovernment",
        authorityHost: "https://login.microsoftonline.us",
        graphUrl: "https://graph.microsoft.us/v1.0",
        graphScope: "https://graph.microsoft.us/.default",
    },
    dod: {
        name: "dod",
        authorityHost: "https://login.microsoftonline.us",
        graphUrl: "https://dod-graph.microsoft.us/v1.0",
        graphScope: "https://dod-graph.microsoft.us/.default",
    },
    china: {
        name: "china",
        authorityHost: "https://login.chinacloudapi.cn",
        graphUrl: "https://microsoftgraph.chinacloudapi.cn/v1.0",
        graphScope: "https://microsoftgraph.chinacloudapi.cn/.default",
    },
};
const CLOUD_ALIASES: Record<string, string> = { global: "public", usgovernmentl4: "usgovernment", usgovernmentl5: "dod" };

export type EntraAuth =
    /** A PKCS#12 bundle: base64 in `certificate` or a file at `path`. */
    | { kind: "clientCertificate"; certificate?: Sourced<string>; path?: Sourced<string>; password?: Sourced<string> }
    | { kind: "clientSecret"; secret: Sourced<string> }
    /** A federated ID token, given or in a file re-read at each token request (projected tokens rotate). */
    | { kind: "oidcToken"; token?: Sourced<string>; file?: Sourced<string> }
    /** GitHub Actions' ID token endpoint. */
    | { kind: "oidcRequest"; url: Sourced<string>; token: Sourced<string> }
    | { kind: "managedIdentity" }
    | { kind: "azureCli" };

export interface EntraSettings {
    cloud: Sourced<Cloud>;
    tenantId?: Sourced<string>;
    clientId?: Sourced<string>;
    auth: EntraAuth;
}

function readTrimmed(path: Sourced<string>): string {
    try {
        return readFileSync(path.value, "utf8").trim();
    } catch (e) {
        throw new CredentialSettingsError(`could not read the file that ${path.from} names: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
    }
}

/** A value that may also be given as a file (azuread's *FilePath settings): both set must agree (helpers.go). */
function valueOrFile(r: SettingsReader, key: AzureadSetting, fileKey: AzureadSetting): Sourced<string> | undefined {
    const direct = r.string(`azuread:${key}`, AZUREAD_SETTINGS[key]);
    const path = r.string(`azuread:${fileKey}`, AZUREAD_SETTINGS[fileKey]);
    if (!path) return direct;
    const fromFile = readTrimmed(path);
    if (direct && direct.value !== fromFile) {
        throw new CredentialSettingsError(`${direct.from} and the file ${path.from} names disagree: remove one, or make them match.`);
    }
    return fromFile === "" ? direct : { value: fromFile, from: `the file ${path.from} names`, fromEnv: path.fromEnv };
}

/** The cloud azuread:environment (or ARM_ENVIRONMENT) names; public when unset. */
export function resolveCloud(r: SettingsReader): Sourced<Cloud> {
    const host = r.string("azuread:metadataHost", AZUREAD_SETTINGS.metadataHost);
    if (host) {
        throw new CredentialSettingsError(
            `${host.from} is set, but this package's custom resources do not read cloud metadata: unset it and set ${azureadName("environment")} instead.`,
        );
    }
    const env = r.string("azuread:environment", AZUREAD_SETTINGS.environment);
    if (!env) return { value: CLOUDS.public, from: "default", fromEnv: false };
    const key = env.value.toLowerCase();
    const cloud = CLOUDS[CLOUD_ALIASES[key] ?? key];
    if (!cloud) {
        throw new CredentialSettingsError(
            `${env.from} "${env.value}" is not a cloud this package knows: use public (or global), usgovernment (or usgovernmentl4), dod (or usgovernmentl5) or china.`,
        );
    }
    return { ...env, value: cloud };
}

function tenantOf(r: SettingsReader, useAks: boolean, override: string | undefined): Sourced<string> | undefined {
    if (override) return { value: override, from: "the resource's tenantId", fromEnv: false };
    const tenant = r.string("azuread:tenantId", AZUREAD_SETTINGS.tenantId);
    // AKS workload identity takes the tenant from AZURE_TENANT_ID (helpers.go getTenantId).
    const aks = useAks ? r.string("", ["AZURE_TENANT_ID"]) : undefined;
    if (aks && tenant && aks.value !== tenant.value) {
        throw new CredentialSettingsError(
            `${tenant.from} and AZURE_TENANT_ID (AKS workload identity) disagree: remove one, make them match, or disable useAksWorkloadIdentity.`,
        );
    }
    return aks ?? tenant;
}

/**
 * The Entra settings from one stack config and environment. `tenantId` is a resource's own tenant (a connection in
 * another tenant, declared with an explicit azuread provider for that tenant): it replaces azuread:tenantId.
 */
export function resolveEntraSettings(r: SettingsReader, tenantId?: string): EntraSettings {
    const cloud = resolveCloud(r);
    const useAks = r.bool("azuread:useAksWorkloadIdentity", AZUREAD_SETTINGS.useAksWorkloadIdentity, false).value;
    const useOidc = r.bool("azuread:useOidc", AZUREAD_SETTINGS.useOidc, false).value || useAks;
    const useMsi = r.bool("azuread:useMsi", AZUREAD_SETTINGS.useMsi, false).value;
    const useCli = r.bool("azuread:useCli", AZUREAD_SETTINGS.useCli, true).value;
    const tenant = tenantOf(r, useAks, tenantId);
    const clientId = valueOrFile(r, "clientId", "clientIdFilePath");
    const base = { cloud, ...(tenant ? { tenantId: tenant } : {}), ...(clientId ? { clientId } : {}) };
    const identified = tenant !== undefined && clientId !== undefined;

    const certificate = r.string("azuread:clientCertificate", AZUREAD_SETTINGS.clientCertificate);
    const certificatePath = r.string("azuread:clientCertificatePath", AZUREAD_SETTINGS.clientCertificatePath);
    if (identified && (certificate || certificatePath)) {
        const password = r.string("azuread:clientCertificatePassword", AZUREAD_SETTINGS.clientCertificatePassword);
        return { ...base, auth: { kind: "clientCertificate", certificate, path: certificatePath, password } };
    }
    const secret = valueOrFile(r, "clientSecret", "clientSecretFilePath");
    if (identified && secret) return { ...base, auth: { kind: "clientSecret", secret } };
    if (useOidc && identified) {
        const token = r.string("azuread:oidcToken", AZUREAD_SETTINGS.oidcToken);
        const file = r.string("azuread:oidcTokenFilePath", AZUREAD_SETTINGS.oidcTokenFilePath);
        if (token || (file && readTrimmed(file) !== "")) return { ...base, auth: { kind: "oidcToken", token, file } };
        const url = r.string("azuread:oidcRequestUrl", AZUREAD_SETTINGS.oidcRequestUrl);
        const requestToken = r.string("azuread:oidcRequestToken", AZUREAD_SETTINGS.oidcRequestToken);
        if (url && requestToken) {
            const ado = r.string("azuread:adoPipelineServiceConnectionId", AZUREAD_SETTINGS.adoPipelineServiceConnectionId);
            if (ado) {
                throw new CredentialSettingsError(
                    `${ado.from} asks for Azure DevOps pipeline OIDC, which this package's custom resources do not implement: ` +
                        `pass the pipeline's ID token as ${azureadName("oidcToken")} (e.g. from the AzureCLI@2 task with addSpnToEnvironment) instead.`,
                );
            }
            return { ...base, auth: { kind: "oidcRequest", url, token: requestToken } };
        }
    }
    if (useMsi) {
        const endpoint = r.string("azuread:msiEndpoint", AZUREAD_SETTINGS.msiEndpoint);
        if (endpoint) {
            throw new CredentialSettingsError(
                `${endpoint.from} is set, but this package's custom resources use the managed identity endpoint Azure's own SDK detects: unset it.`,
            );
        }
        return { ...base, auth: { kind: "managedIdentity" } };
    }
    if (useCli) return { ...base, auth: { kind: "azureCli" } };
    throw new CredentialSettingsError(noMethodMessage(base));
}

function noMethodMessage(s: { tenantId?: Sourced<string>; clientId?: Sourced<string> }): string {
    const missing = [!s.tenantId ? azureadName("tenantId") : undefined, !s.clientId ? azureadName("clientId") : undefined].filter(Boolean);
    return (
        "Microsoft Graph credentials: no authentication method is configured, and Azure CLI is switched off (azuread:useCli / ARM_USE_CLI is false). " +
        (missing.length > 0 ? `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set. ` : "") +
        `Set ${azureadName("clientSecret")}, ${azureadName("clientCertificate")} or ${azureadName("clientCertificatePath")}, ` +
        `or ${azureadName("useOidc")} with an OIDC token, or ${azureadName("useMsi")}, or ${azureadName("useCli")}=true and run az login.`
    );
}

/** One line naming the method and where each setting came from; never a value other than the tenant and cloud. */
export function describeEntraSettings(s: EntraSettings): string {
    const from = (label: string, v?: Sourced<string>) => (v ? `${label} from ${v.from}` : undefined);
    const a = s.auth;
    const method: Record<EntraAuth["kind"], string> = {
        clientCertificate: "client certificate",
        clientSecret: "client secret",
        oidcToken: "OIDC token",
        oidcRequest: "OIDC token request (GitHub Actions)",
        managedIdentity: "managed identity",
        azureCli: "Azure CLI (az login)",
    };
    const parts = [
        from("client id", s.clientId),
        from("tenant", s.tenantId),
        a.kind === "clientCertificate" ? (from("certificate", a.certificate) ?? from("certificate", a.path)) : undefined,
        a.kind === "clientSecret" ? from("secret", a.secret) : undefined,
        a.kind === "oidcToken" ? (from("token", a.token) ?? from("token", a.file)) : undefined,
        a.kind === "oidcRequest" ? `request URL from ${a.url.from}, request token from ${a.token.from}` : undefined,
        `cloud ${s.cloud.value.name}${s.cloud.from === "default" ? " (default)" : ` from ${s.cloud.from}`}`,
    ].filter(Boolean);
    return `${method[a.kind]} (${parts.join(", ")})`;
}

/** True when any setting in use came from an environment variable. */
export function usesEnvironment(s: EntraSettings): boolean {
    const a = s.auth as Partial<Record<"certificate" | "path" | "password" | "secret" | "token" | "file" | "url", Sourced<string>>>;
    return [s.cloud, s.tenantId, s.clientId, a.certificate, a.path, a.password, a.secret, a.token, a.file, a.url].some((v) => v?.fromEnv === true);
}
