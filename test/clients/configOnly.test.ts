// A stack that configures Entra and Auth0 only through stack config (azuread:*, auth0:*), with no ARM_* or AUTH0_*
// variable set: the config the provider host delivers to configure() reaches both kinds of custom resources, each
// through the real provider module's wrapper, the real credential code (@azure/identity, the auth0 SDK) and the
// local stand-ins of the login endpoint, Microsoft Graph and the Auth0 Management API.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProvider as createSigningKeyProvider } from "../../components/1-entra-app/preferredTokenSigningKeyProvider";
import { createScimTokenProvider } from "../../components/2-auth0-connection/scimTokenProvider";
import { resolveAuth0Credentials, setNoticeSink, setStackConfig } from "../../components/clients/credentials";
import { GraphClient } from "../../components/clients/graph";
import { withStackConfig } from "../../components/dynamic/withStackConfig";
import { type Auth0StandIn, startAuth0StandIn } from "../support/auth0StandIn";
import { type GraphStandIn, startGraphStandIn } from "../support/graphStandIn";
import { clearCredentialEnv } from "./credentialEnv";
import { type LoginStandIn, startLoginStandIn } from "./entraLoginStandIn";

const TENANT = "6f1c2b3a-0000-4000-8000-00000000aaaa";
const OTHER_TENANT = "0b9a8c7d-0000-4000-8000-00000000bbbb";
const CLIENT_ID = "3c2b1a00-0000-4000-8000-00000000cccc";
const CLIENT_SECRET = "config-only-client-secret-7Q";
const ACCESS_TOKEN = "issued-by-login-stand-in-91";
const AUTH0_DOMAIN = "acme.eu.auth0.com";
const AUTH0_SECRET = "config-only-auth0-secret-3Z";
const THUMBPRINT = "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F";

let restoreEnv: () => void;

/** The Config the host builds over the engine's Configure args (cmd/dynamic-provider/config.js). */
function hostConfig(values: Record<string, string>): { get(key: string): string | undefined; require(key: string): string } {
    return {
        get: (k) => values[k.includes(":") ? k : `auth0-entra-scim:${k}`],
        require: (k) => {
            const v = values[k];
            if (v === undefined) throw new Error(`Missing required configuration key: ${k}`);
            return v;
        },
    };
}

let graph: GraphStandIn;
let login: LoginStandIn;
let auth0: Auth0StandIn;
const notices: string[] = [];

beforeAll(async () => {
    restoreEnv = clearCredentialEnv();
    graph = await startGraphStandIn({ token: ACCESS_TOKEN });
    auth0 = await startAuth0StandIn({ clientId: "m2m-client", clientSecret: AUTH0_SECRET, audience: `https://${AUTH0_DOMAIN}/api/v2/` });
    auth0.addConnection("con_ConfigOnly000001");
});

afterAll(async () => {
    await Promise.all([graph.close(), auth0.close()]);
    restoreEnv();
});

beforeEach(() => {
    graph.reset();
    notices.length = 0;
    setNoticeSink((l) => notices.push(l));
});

afterEach(async () => {
    setStackConfig(undefined);
    await login?.close();
});

/** The signing-key provider as the provider module exports it (wrapped), its Graph clients pointed at the stand-ins. */
function signingKeyProvider() {
    return withStackConfig(
        createSigningKeyProvider(
            (tenantId) =>
                new GraphClient({
                    tenantId,
                    baseUrl: graph.url,
                    credentialTransport: { httpClient: login.httpClient },
                    timeoutMs: 5000,
                    sleep: async () => {},
                }),
        ),
    );
}

async function setSigningKey(provider: ReturnType<typeof signingKeyProvider>, tenantId?: string): Promise<string> {
    const sp = graph.addServicePrincipal();
    await provider.create({ servicePrincipalId: sp.id, thumbprint: THUMBPRINT, ...(tenantId ? { tenantId } : {}) });
    return sp.id;
}

describe("Graph-backed resources with credentials only in stack config", () => {
    it("get a token with azuread:clientId/clientSecret from the cloud azuread:environment names, and call Graph with it", async () => {
        login = await startLoginStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN });
        const provider = signingKeyProvider();
        await provider.configure!({
            config: hostConfig({
                "azuread:tenantId": TENANT,
                "azuread:clientId": CLIENT_ID,
                "azuread:clientSecret": CLIENT_SECRET,
                "azuread:environment": "usgovernment",
            }),
        });
        const spId = await setSigningKey(provider);

        expect(graph.state.servicePrincipals.get(spId)?.preferredTokenSigningKeyThumbprint).toBe(THUMBPRINT);
        expect(graph.requests.map((r) => r.authorization)).toEqual([`Bearer ${ACCESS_TOKEN}`]);
        const grants = login.requests.filter((r) => r.grant);
        expect(grants.map((r) => ({ host: r.host, ...r.grant }))).toEqual([
            {
                host: "login.microsoftonline.us",
                clientId: CLIENT_ID,
                tenant: TENANT,
                scope: "https://graph.microsoft.us/.default",
                proof: "secret",
                accepted: true,
            },
        ]);
        // Nothing came from the environment, so nothing is announced.
        expect(notices).toEqual([]);
    });

    it("use the resource's own tenant (a connection in another tenant) with the same credential settings", async () => {
        login = await startLoginStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN });
        const provider = signingKeyProvider();
        await provider.configure!({ config: hostConfig({ "azuread:tenantId": TENANT, "azuread:clientId": CLIENT_ID, "azuread:clientSecret": CLIENT_SECRET }) });
        await setSigningKey(provider, OTHER_TENANT);
        const grant = login.requests.find((r) => r.grant);
        expect(grant?.grant).toMatchObject({ tenant: OTHER_TENANT, clientId: CLIENT_ID, proof: "secret", accepted: true });
        expect(grant?.host).toBe("login.microsoftonline.com");
    });

    it("sign a client assertion with the PKCS#12 certificate in azuread:clientCertificate", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "creds-cert-"));
        try {
            const pfx = makePfx(dir, "cert-pass-1");
            login = await startLoginStandIn({ clientId: CLIENT_ID, assertion: "signed-by-client", accessToken: ACCESS_TOKEN });
            const provider = signingKeyProvider();
            await provider.configure!({
                config: hostConfig({
                    "azuread:tenantId": TENANT,
                    "azuread:clientId": CLIENT_ID,
                    "azuread:clientCertificate": pfx.base64,
                    "azuread:clientCertificatePassword": "cert-pass-1",
                    // A secret too: the certificate comes first, as in go-azure-sdk.
                    "azuread:clientSecret": CLIENT_SECRET,
                }),
            });
            await setSigningKey(provider);
            const grant = login.requests.find((r) => r.grant)?.grant;
            expect(grant).toMatchObject({ proof: "assertion", accepted: true, tenant: TENANT });
            // The assertion names the certificate by its SHA-1 thumbprint (x5t) or SHA-256 (x5t#S256).
            const x5t = Buffer.from(grant?.assertionX5t ?? "", "base64url")
                .toString("hex")
                .toUpperCase();
            expect([pfx.sha1, pfx.sha256]).toContain(x5t);
            expect(graph.requests).toHaveLength(1);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("present the federated token from azuread:oidcTokenFilePath when azuread:useOidc is on, read at each token request", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "creds-oidc-"));
        try {
            const file = path.join(dir, "token");
            writeFileSync(file, "federated-id-token-1\n");
            login = await startLoginStandIn({ clientId: CLIENT_ID, assertion: "federated-id-token-1", accessToken: ACCESS_TOKEN });
            const provider = signingKeyProvider();
            await provider.configure!({
                config: hostConfig({ "azuread:tenantId": TENANT, "azuread:clientId": CLIENT_ID, "azuread:useOidc": "true", "azuread:oidcTokenFilePath": file }),
            });
            await setSigningKey(provider);
            expect(login.requests.find((r) => r.grant)?.grant).toMatchObject({ proof: "assertion", accepted: true });
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("request GitHub's ID token from azuread:oidcRequestUrl with azuread:oidcRequestToken", async () => {
        const seen: { auth?: string; audience?: string | null }[] = [];
        const oidc = http.createServer((req, res) => {
            const url = new URL(req.url ?? "/", "http://x");
            seen.push({ auth: req.headers.authorization, audience: url.searchParams.get("audience") });
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ value: "github-id-token-7" }));
        });
        await new Promise<void>((r) => oidc.listen(0, "127.0.0.1", r));
        try {
            login = await startLoginStandIn({ clientId: CLIENT_ID, assertion: "github-id-token-7", accessToken: ACCESS_TOKEN });
            const provider = signingKeyProvider();
            await provider.configure!({
                config: hostConfig({
                    "azuread:tenantId": TENANT,
                    "azuread:clientId": CLIENT_ID,
                    "azuread:useOidc": "true",
                    "azuread:oidcRequestUrl": `http://127.0.0.1:${(oidc.address() as AddressInfo).port}/token?api-version=2.0`,
                    "azuread:oidcRequestToken": "gh-request-token-5",
                }),
            });
            await setSigningKey(provider);
            // @azure/identity may ask for the assertion more than once per token; every request is GitHub's form.
            expect(seen.length).toBeGreaterThan(0);
            for (const s of seen) expect(s).toEqual({ auth: "Bearer gh-request-token-5", audience: "api://AzureADTokenExchange" });
            expect(login.requests.find((r) => r.grant)?.grant).toMatchObject({ proof: "assertion", accepted: true });
        } finally {
            await new Promise<void>((r) => oidc.close(() => r()));
        }
    });

    it("fail with the setting names and where they came from, never the secret, when the login is refused", async () => {
        login = await startLoginStandIn({ clientId: CLIENT_ID, clientSecret: "the-right-one", accessToken: ACCESS_TOKEN });
        const provider = signingKeyProvider();
        await provider.configure!({ config: hostConfig({ "azuread:tenantId": TENANT, "azuread:clientId": CLIENT_ID }) });
        process.env.ARM_CLIENT_SECRET = CLIENT_SECRET;
        try {
            const e = await provider.create({ servicePrincipalId: graph.addServicePrincipal().id, thumbprint: THUMBPRINT }).then(
                () => undefined,
                (x: Error) => x,
            );
            expect(e?.message).toContain("client secret (client id from azuread:clientId, tenant from azuread:tenantId, secret from ARM_CLIENT_SECRET");
            expect(e?.message).toContain("azuread:clientSecret (or ARM_CLIENT_SECRET)");
            expect(e?.message).not.toContain(CLIENT_SECRET);
            expect(graph.requests).toEqual([]);
            // The environment value used is announced once, by name.
            expect(notices).toHaveLength(1);
            expect(notices[0]).toContain("secret from ARM_CLIENT_SECRET");
            expect(notices[0]).not.toContain(CLIENT_SECRET);
        } finally {
            delete process.env.ARM_CLIENT_SECRET;
        }
    });
});

describe("ScimToken with credentials only in stack config", () => {
    it("issues a token with auth0:domain/clientId/clientSecret given to configure", async () => {
        const provider = withStackConfig(createScimTokenProvider({ management: { baseUrl: auth0.url, sleep: async () => {} }, log: () => {} }));
        await provider.configure!({
            config: hostConfig({ "auth0:domain": AUTH0_DOMAIN, "auth0:clientId": "m2m-client", "auth0:clientSecret": AUTH0_SECRET }),
        });
        const checked = await provider.check!({} as never, { connectionId: "con_ConfigOnly000001", scopes: ["get:users", "post:users"] });
        const { outs } = await provider.create(checked.inputs!);
        expect(outs?.tokenId).toBe(auth0.tokens("con_ConfigOnly000001")[0].token_id);
        expect(auth0.requests.filter((r) => r.path === "/oauth/token").map((r) => r.status)).toEqual([200]);
        expect(JSON.stringify(outs)).not.toContain(AUTH0_SECRET);
        expect(notices).toEqual([]);
    });

    it("reads the config any of the process's providers was configured with (one store per provider process)", async () => {
        login = await startLoginStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN });
        await signingKeyProvider().configure!({
            config: hostConfig({ "auth0:domain": AUTH0_DOMAIN, "auth0:apiToken": "mgmt-token-from-config", "azuread:clientId": CLIENT_ID }),
        });
        expect(resolveAuth0Credentials()).toEqual({ domain: AUTH0_DOMAIN, apiToken: "mgmt-token-from-config" });
    });
});

/** A throwaway key and self-signed certificate in a PKCS#12 bundle, as `openssl pkcs12 -export` writes it. */
function makePfx(dir: string, password: string): { base64: string; sha1: string; sha256: string } {
    const key = path.join(dir, "key.pem");
    const cert = path.join(dir, "cert.pem");
    const pfx = path.join(dir, "client.pfx");
    const run = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 }).toString();
    run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=auth0-entra-scim-test"]);
    run(["pkcs12", "-export", "-inkey", key, "-in", cert, "-out", pfx, "-passout", `pass:${password}`]);
    const fp = (alg: string) =>
        run(["x509", "-in", cert, "-noout", "-fingerprint", `-${alg}`])
            .split("=")[1]
            .trim()
            .replace(/:/g, "");
    return { base64: readFileSync(pfx).toString("base64"), sha1: fp("sha1"), sha256: fp("sha256") };
}
