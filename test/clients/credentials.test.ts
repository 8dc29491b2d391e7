// The precedence rules of components/clients/credentials, each against the rule in the providers' source
// (docs/credentials.md): stack config before env, env vars in the providers' order, the Entra method order,
// file variants, clouds, a resource's own tenant, and Auth0's choices. Errors name settings, never values.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
    AZUREAD_SETTINGS,
    CredentialSettingsError,
    type EntraSettings,
    SettingsReader,
    describeEntraSettings,
    entraCloud,
    resolveAuth0Credentials,
    resolveEntraSettings,
    setNoticeSink,
} from "../../components/clients/credentials";
import { GraphClient, graphClients } from "../../components/clients/graph";

// The notice tests redirect the process-wide sink; the rest of the file gets the default back.
afterAll(() => setNoticeSink((line) => console.log(line)));

const dir = mkdtempSync(path.join(tmpdir(), "creds-precedence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
}

function config(values: Record<string, unknown>) {
    return { get: (k: string) => values[k] };
}

function entra(cfg: Record<string, unknown>, env: NodeJS.ProcessEnv = {}, tenantId?: string): EntraSettings {
    return resolveEntraSettings(new SettingsReader(config(cfg), env), tenantId);
}

function failure(fn: () => unknown): Error {
    try {
        fn();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a failure");
}

const ID = { "azuread:tenantId": "tenant-a", "azuread:clientId": "client-a" };

describe("Entra settings: config before env", () => {
    // Every string setting: the config key wins over each of its env vars, and the first env var set wins over later ones.
    const STRINGS = ["tenantId", "clientId", "clientSecret", "oidcToken", "oidcRequestUrl", "oidcRequestToken", "clientCertificatePassword"] as const;
    for (const key of STRINGS) {
        it(`azuread:${key} over ${AZUREAD_SETTINGS[key].join(", ")}`, () => {
            const envVars = AZUREAD_SETTINGS[key];
            const env = Object.fromEntries(envVars.map((v, i) => [v, `env-${i}`]));
            const r = new SettingsReader(config({ [`azuread:${key}`]: "from-config" }), env);
            expect(r.string(`azuread:${key}`, envVars)).toEqual({ value: "from-config", from: `azuread:${key}`, fromEnv: false });
            const envOnly = new SettingsReader(config({}), env);
            expect(envOnly.string(`azuread:${key}`, envVars)).toEqual({ value: "env-0", from: envVars[0], fromEnv: true });
            if (envVars.length > 1) {
                const later = new SettingsReader(config({}), { [envVars[envVars.length - 1]]: "last" });
                expect(later.string(`azuread:${key}`, envVars)?.from).toBe(envVars[envVars.length - 1]);
            }
        });
    }

    it("takes GitHub's ACTIONS_ID_TOKEN_REQUEST_* before Azure DevOps' SYSTEM_* and after ARM_OIDC_REQUEST_*", () => {
        expect(AZUREAD_SETTINGS.oidcRequestUrl).toEqual(["ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"]);
        expect(AZUREAD_SETTINGS.oidcRequestToken).toEqual(["ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"]);
    });

    it("treats an empty or blank value as unset, and unwraps a value still in Pulumi's secret wrapper", () => {
        const r = new SettingsReader(
            config({
                "azuread:clientId": "  ",
                "azuread:clientSecret": { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s" },
            }),
            { ARM_CLIENT_ID: "env-id" },
        );
        expect(r.string("azuread:clientId", ["ARM_CLIENT_ID"])?.from).toBe("ARM_CLIENT_ID");
        expect(r.string("azuread:clientSecret", [])?.value).toBe("s");
    });

    it("reads booleans as Go's strconv.ParseBool does, and names the setting when one is not a boolean", () => {
        expect(entra({ ...ID, "azuread:useMsi": "T", "azuread:useCli": "0" }).auth.kind).toBe("managedIdentity");
        expect(entra({ ...ID, "azuread:useMsi": true }).auth.kind).toBe("managedIdentity");
        const e = failure(() => entra({ ...ID }, { ARM_USE_MSI: "yes" }));
        expect(e).toBeInstanceOf(CredentialSettingsError);
        expect(e.message).toBe('ARM_USE_MSI must be true or false; got "yes".');
    });
});

describe("Entra method order (go-azure-sdk NewAuthorizerFromCredentials)", () => {
    const all = {
        ...ID,
        "azuread:clientCertificatePath": "/nonexistent.pfx",
        "azuread:clientSecret": "s",
        "azuread:useOidc": "true",
        "azuread:oidcToken": "t",
        "azuread:oidcRequestUrl": "https://x",
        "azuread:oidcRequestToken": "r",
        "azuread:useMsi": "true",
    };

    it("client certificate, then secret, then OIDC token, then OIDC request, then managed identity, then Azure CLI", () => {
        const order: string[] = [];
        const cfg: Record<string, unknown> = { ...all };
        const drop = ["azuread:clientCertificatePath", "azuread:clientSecret", "azuread:oidcToken", "azuread:oidcRequestUrl", "azuread:useMsi"];
        for (let i = 0; i <= drop.length; i++) {
            order.push(entra(cfg).auth.kind);
            if (i < drop.length) delete cfg[drop[i]];
        }
        expect(order).toEqual(["clientCertificate", "clientSecret", "oidcToken", "oidcRequest", "managedIdentity", "azureCli"]);
    });

    it("skips the client-id methods without a tenant or a client id, as go-azure-sdk does", () => {
        expect(entra({ "azuread:clientId": "c", "azuread:clientSecret": "s" }).auth.kind).toBe("azureCli");
        expect(entra({ "azuread:tenantId": "t", "azuread:clientSecret": "s" }).auth.kind).toBe("azureCli");
    });

    it("uses OIDC only when azuread:useOidc (or ARM_USE_OIDC, or useAksWorkloadIdentity) is on", () => {
        expect(entra({ ...ID, "azuread:oidcToken": "t" }).auth.kind).toBe("azureCli");
        expect(entra({ ...ID, "azuread:oidcToken": "t" }, { ARM_USE_OIDC: "true" }).auth.kind).toBe("oidcToken");
        expect(entra({ ...ID, "azuread:oidcToken": "t", "azuread:useAksWorkloadIdentity": "true" }).auth.kind).toBe("oidcToken");
    });

    it("mixes sources per setting: a config client id with an env secret", () => {
        const s = entra(ID, { ARM_CLIENT_SECRET: "env-secret" });
        expect(s.auth).toEqual({ kind: "clientSecret", secret: { value: "env-secret", from: "ARM_CLIENT_SECRET", fromEnv: true } });
        expect(describeEntraSettings(s)).toBe(
            "client secret (client id from azuread:clientId, tenant from azuread:tenantId, secret from ARM_CLIENT_SECRET, cloud public (default))",
        );
        expect(describeEntraSettings(s)).not.toContain("env-secret");
    });

    it("with Azure CLI switched off and nothing else, says what to set", () => {
        const e = failure(() => entra({ "azuread:useCli": "false" }));
        expect(e.message).toContain("azuread:tenantId (or ARM_TENANT_ID) and azuread:clientId (or ARM_CLIENT_ID) are not set");
        expect(e.message).toContain("azuread:clientSecret (or ARM_CLIENT_SECRET)");
    });

    it("refuses what only the azuread provider implements, naming the setting", () => {
        const ado = { ...ID, "azuread:useOidc": "true", "azuread:oidcRequestUrl": "https://dev.azure.com/x", "azuread:oidcRequestToken": "r" };
        expect(failure(() => entra(ado, { ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID: "sc" })).message).toMatch(
            /^ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID asks for Azure DevOps/,
        );
        expect(failure(() => entra({ ...ID, "azuread:useMsi": "true", "azuread:msiEndpoint": "http://169.254.169.254/x" })).message).toMatch(
            /^azuread:msiEndpoint is set/,
        );
        expect(failure(() => entra(ID, { ARM_METADATA_HOSTNAME: "management.azurestack.local" })).message).toMatch(/^ARM_METADATA_HOSTNAME is set/);
    });
});

describe("Entra file variants (azuread helpers.go)", () => {
    it("reads the client id and secret from their files, trimmed", () => {
        const s = entra({
            "azuread:tenantId": "t",
            "azuread:clientIdFilePath": file("id", "client-from-file\n"),
            "azuread:clientSecretFilePath": file("secret", " secret-from-file \n"),
        });
        expect(s.clientId?.value).toBe("client-from-file");
        expect(s.auth).toMatchObject({ kind: "clientSecret", secret: { value: "secret-from-file" } });
    });

    it("refuses a value and a file that disagree, without quoting either", () => {
        const e = failure(() => entra({ ...ID, "azuread:clientSecret": "direct-secret", "azuread:clientSecretFilePath": file("other", "file-secret") }));
        expect(e.message).toBe("azuread:clientSecret and the file azuread:clientSecretFilePath names disagree: remove one, or make them match.");
    });

    it("names the setting whose file cannot be read", () => {
        const e = failure(() => entra(ID, { ARM_CLIENT_SECRET_FILE_PATH: path.join(dir, "missing") }));
        expect(e.message).toBe("could not read the file that ARM_CLIENT_SECRET_FILE_PATH names: ENOENT.");
    });

    it("takes an OIDC token file only when it holds a token", () => {
        const empty = file("empty-token", "\n");
        expect(entra({ ...ID, "azuread:useOidc": "true", "azuread:oidcTokenFilePath": empty }).auth.kind).toBe("azureCli");
        expect(entra({ ...ID, "azuread:useOidc": "true", "azuread:oidcTokenFilePath": file("token", "jwt") }).auth.kind).toBe("oidcToken");
    });
});

describe("Entra tenant", () => {
    it("is the resource's own tenant when it has one, whatever azuread:tenantId says", () => {
        const s = entra({ ...ID, "azuread:clientSecret": "s" }, {}, "tenant-b");
        expect(s.tenantId).toEqual({ value: "tenant-b", from: "the resource's tenantId", fromEnv: false });
        expect(s.auth.kind).toBe("clientSecret");
    });

    it("comes from AZURE_TENANT_ID under AKS workload identity, and must agree with azuread:tenantId", () => {
        const aks = { "azuread:clientId": "c", "azuread:useAksWorkloadIdentity": "true", "azuread:oidcToken": "t" };
        expect(entra(aks, { AZURE_TENANT_ID: "aks-tenant" }).tenantId?.value).toBe("aks-tenant");
        expect(failure(() => entra({ ...aks, "azuread:tenantId": "other" }, { AZURE_TENANT_ID: "aks-tenant" })).message).toContain("disagree");
        // Without AKS workload identity, AZURE_TENANT_ID is not the azuread provider's: it is not read.
        expect(entra({ "azuread:clientId": "c" }, { AZURE_TENANT_ID: "aks-tenant" }).tenantId).toBeUndefined();
    });
});

describe("Entra clouds (go-azure-sdk environments.FromName)", () => {
    const cases: [string, string, string][] = [
        ["public", "https://login.microsoftonline.com", "https://graph.microsoft.com/v1.0"],
        ["global", "https://login.microsoftonline.com", "https://graph.microsoft.com/v1.0"],
        ["usgovernment", "https://login.microsoftonline.us", "https://graph.microsoft.us/v1.0"],
        ["usgovernmentl4", "https://login.microsoftonline.us", "https://graph.microsoft.us/v1.0"],
        ["dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/v1.0"],
        ["USGovernmentL5", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/v1.0"],
        ["china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn/v1.0"],
    ];
    for (const [name, login, graph] of cases) {
        it(`${name}: ${login}, ${graph}`, () => {
            const cloud = entraCloud({}, config({ "azuread:environment": name }));
            expect([cloud.authorityHost, cloud.graphUrl, cloud.graphScope]).toEqual([login, graph, `${new URL(graph).origin}/.default`]);
        });
    }

    it("is public by default, ARM_ENVIRONMENT when the config has none, and names both when unknown", () => {
        expect(entraCloud({}, undefined).name).toBe("public");
        expect(entraCloud({ ARM_ENVIRONMENT: "china" }, config({})).name).toBe("china");
        expect(entraCloud({ ARM_ENVIRONMENT: "china" }, config({ "azuread:environment": "public" })).name).toBe("public");
        expect(failure(() => entraCloud({ ARM_ENVIRONMENT: "german" }, undefined)).message).toMatch(/^ARM_ENVIRONMENT "german" is not a cloud/);
    });

    it("says when AUTH0_ENTRA_SCIM_GRAPH_TOKEN replaces the azuread credentials, without printing the token", () => {
        const saved = process.env.AUTH0_ENTRA_SCIM_GRAPH_TOKEN;
        const value = "eyJ0eXAiOiJKV1QiLCJub3RpY2UiOiJ0ZXN0In0.static-graph-token";
        try {
            process.env.AUTH0_ENTRA_SCIM_GRAPH_TOKEN = value;
            const notices: string[] = [];
            setNoticeSink((l) => notices.push(l));
            const graph = graphClients({ baseUrl: "http://127.0.0.1:9/v1.0" });
            graph("72f988bf-86f1-41af-91ab-2d7cd011db47");
            graph("72f988bf-86f1-41af-91ab-2d7cd011db47");
            expect(notices).toEqual([
                "auth0-entra-scim: AUTH0_ENTRA_SCIM_GRAPH_TOKEN is set: its static token is sent to Microsoft Graph instead of a token from the azuread credentials.",
            ]);
            expect(notices.join("")).not.toContain("static-graph-token");
            // An explicit token or credential wins, and nothing is said.
            const quiet: string[] = [];
            setNoticeSink((l) => quiet.push(l));
            new GraphClient({ baseUrl: "http://127.0.0.1:9/v1.0", token: "explicit" });
            expect(quiet).toEqual([]);
        } finally {
            if (saved === undefined) delete process.env.AUTH0_ENTRA_SCIM_GRAPH_TOKEN;
            else process.env.AUTH0_ENTRA_SCIM_GRAPH_TOKEN = saved;
        }
    });

    it("gives the Graph client its base URL, unless AUTH0_ENTRA_SCIM_GRAPH_URL overrides it", () => {
        const saved = { env: process.env.ARM_ENVIRONMENT, url: process.env.AUTH0_ENTRA_SCIM_GRAPH_URL };
        try {
            delete process.env.AUTH0_ENTRA_SCIM_GRAPH_URL;
            process.env.ARM_ENVIRONMENT = "usgovernment";
            expect(new GraphClient({ token: "t" }).baseUrl).toBe("https://graph.microsoft.us/v1.0");
            process.env.AUTH0_ENTRA_SCIM_GRAPH_URL = "http://127.0.0.1:9/v1.0";
            const notices: string[] = [];
            setNoticeSink((l) => notices.push(l));
            expect(new GraphClient({ token: "t" }).baseUrl).toBe("http://127.0.0.1:9/v1.0");
            // Said where the user looks (a provider's stderr is a diagnostic of pulumi up), once per process.
            expect(notices).toEqual(["auth0-entra-scim: AUTH0_ENTRA_SCIM_GRAPH_URL is set: Microsoft Graph requests go to http://127.0.0.1:9/v1.0."]);
            new GraphClient({ token: "t" });
            expect(notices).toHaveLength(1);
        } finally {
            for (const [k, v] of [
                ["ARM_ENVIRONMENT", saved.env],
                ["AUTH0_ENTRA_SCIM_GRAPH_URL", saved.url],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });
});

describe("Auth0 credentials (terraform-provider-auth0 config.go)", () => {
    const auth0 = (cfg: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => resolveAuth0Credentials(config(cfg), env);

    it("take each auth0:* key before its AUTH0_* variable", () => {
        const env = { AUTH0_DOMAIN: "env.auth0.com", AUTH0_CLIENT_ID: "env-id", AUTH0_CLIENT_SECRET: "env-secret", AUTH0_AUDIENCE: "https://env/api/v2/" };
        expect(auth0({ "auth0:domain": "cfg.auth0.com", "auth0:clientSecret": "cfg-secret" }, env)).toEqual({
            domain: "cfg.auth0.com",
            clientId: "env-id",
            clientSecret: "cfg-secret",
            audience: "https://env/api/v2/",
        });
    });

    it("use a static API token over client credentials, from whichever source", () => {
        expect(auth0({ "auth0:domain": "d.auth0.com", "auth0:clientId": "id", "auth0:clientSecret": "s" }, { AUTH0_API_TOKEN: "tok" })).toEqual({
            domain: "d.auth0.com",
            apiToken: "tok",
        });
    });

    it("sign a client assertion when a private key is set, over a secret, and want its algorithm", () => {
        const base = { "auth0:domain": "d.auth0.com", "auth0:clientId": "id", "auth0:clientSecret": "s" };
        expect(auth0({ ...base, "auth0:clientAssertionPrivateKey": "PEM", "auth0:clientAssertionSigningAlg": "RS256" })).toEqual({
            domain: "d.auth0.com",
            clientId: "id",
            clientAssertionSigningKey: "PEM",
            clientAssertionSigningAlg: "RS256",
        });
        expect(failure(() => auth0({ ...base, "auth0:clientAssertionPrivateKey": "PEM" })).message).toContain(
            "auth0:clientAssertionPrivateKey (or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY) needs auth0:clientAssertionSigningAlg (or AUTH0_CLIENT_ASSERTION_SIGNING_ALG)",
        );
    });

    it("pass the custom domain header on", () => {
        expect(auth0({ "auth0:domain": "d.auth0.com", "auth0:apiToken": "t" }, { AUTH0_CUSTOM_DOMAIN_HEADER: "login.acme.com" })).toEqual({
            domain: "d.auth0.com",
            apiToken: "t",
            customDomainHeader: "login.acme.com",
        });
    });

    it("refuse the provider-only mechanisms (CLI login, dynamic credentials), naming where they were switched on", () => {
        expect(failure(() => auth0({ "auth0:domain": "d.auth0.com", "auth0:cliLogin": "true" })).message).toMatch(/^Auth0 credentials: auth0:cliLogin is on/);
        expect(failure(() => auth0({ "auth0:domain": "d.auth0.com" }, { AUTH0_DYNAMIC_CREDENTIALS: "on" })).message).toMatch(/AUTH0_DYNAMIC_CREDENTIALS is on/);
        expect(auth0({ "auth0:domain": "d.auth0.com", "auth0:apiToken": "t", "auth0:cliLogin": "false" }).apiToken).toBe("t");
    });

    it("name what is missing, never a value", () => {
        const e = failure(() => auth0({ "auth0:domain": "d.auth0.com", "auth0:clientSecret": "only-a-secret-value" }));
        expect(e.message).toContain("auth0:clientId (or AUTH0_CLIENT_ID) is not set");
        expect(e.message).not.toContain("only-a-secret-value");
    });
});
