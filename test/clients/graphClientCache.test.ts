// One Graph client per tenant and settings for the provider process (graphClients): many resource calls share one
// credential and one Entra token, as a refresh of hundreds of connections needs, and a changed setting or another
// tenant gets a client of its own. Counted at the local login stand-in, through the real @azure/identity credential.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createProvider as createSigningKeyProvider } from "../../components/1-entra-app/preferredTokenSigningKeyProvider";
import { createProvider as createStatusProvider } from "../../components/3-entra-provisioning/provisioningStatusProvider";
import { setNoticeSink, setStackConfig } from "../../components/clients/credentials";
import { GraphClient, type GraphClientFactory, graphClients } from "../../components/clients/graph";
import { type GraphStandIn, startGraphStandIn } from "../support/graphStandIn";
import { clearCredentialEnv } from "./credentialEnv";
import { type LoginStandIn, startLoginStandIn } from "./entraLoginStandIn";

const TENANT = "6f1c2b3a-0000-4000-8000-00000000aaaa";
const OTHER_TENANT = "0b9a8c7d-0000-4000-8000-00000000bbbb";
const CLIENT_ID = "3c2b1a00-0000-4000-8000-00000000cccc";
const CLIENT_SECRET = "cache-test-client-secret-4K";
const ACCESS_TOKEN = "issued-by-login-stand-in-cache";
const THUMBPRINT = "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F";

let restoreEnv: () => void;

let graph: GraphStandIn;
let login: LoginStandIn;

beforeAll(async () => {
    restoreEnv = clearCredentialEnv();
    graph = await startGraphStandIn({ token: ACCESS_TOKEN });
});
afterAll(async () => {
    await graph.close();
    restoreEnv();
});
beforeEach(async () => {
    graph.reset();
    setNoticeSink(() => undefined);
    login = await startLoginStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN });
    setStackConfig(config(CLIENT_SECRET));
});
afterEach(async () => {
    setStackConfig(undefined);
    await login.close();
});

function config(secret: string) {
    const values: Record<string, string> = { "azuread:tenantId": TENANT, "azuread:clientId": CLIENT_ID, "azuread:clientSecret": secret };
    return { get: (k: string) => values[k] };
}

const grants = () => login.requests.filter((r) => r.grant);

/** Five resource calls of two kinds, as a refresh makes them: three signing keys set, one read, one provisioning status. */
async function resourceCalls(clientFor: GraphClientFactory, tenantId?: string): Promise<void> {
    const keys = createSigningKeyProvider(clientFor);
    const status = createStatusProvider(clientFor);
    const t = tenantId ? { tenantId } : {};
    const sps = [graph.addServicePrincipal(), graph.addServicePrincipal(), graph.addServicePrincipal()];
    for (const sp of sps) await keys.create({ servicePrincipalId: sp.id, thumbprint: THUMBPRINT, ...t });
    await keys.read!(sps[0].id, { servicePrincipalId: sps[0].id, thumbprint: THUMBPRINT, ...t });
    const jobId = graph.addJob(sps[0].id, { statusCode: "Active" });
    await status.read!(`${sps[0].id}/${jobId}`, { servicePrincipalId: sps[0].id, synchronizationJobId: jobId, enabled: true, statusCode: "Active", ...t });
}

describe("graphClients: one client per tenant and settings", () => {
    const options = () => ({ baseUrl: graph.url, credentialTransport: { httpClient: login.httpClient }, sleep: async () => undefined });

    it("asks Entra for one token across many resource calls", async () => {
        await resourceCalls(graphClients(options()));
        expect(graph.requests.length).toBeGreaterThanOrEqual(5);
        expect(graph.requests.every((r) => r.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
        expect(grants().map((r) => r.grant)).toEqual([
            { clientId: CLIENT_ID, tenant: TENANT, scope: "https://graph.microsoft.com/.default", proof: "secret", accepted: true },
        ]);

        // A client per call, as before: one token request per resource call, so the count above can fail.
        login.requests.length = 0;
        await resourceCalls((tenantId) => new GraphClient({ ...options(), ...(tenantId ? { tenantId } : {}) }));
        expect(grants().length).toBeGreaterThanOrEqual(5);
    });

    it("shares one token request between calls made in parallel, as Pulumi runs resources", async () => {
        const clientFor = graphClients(options());
        const keys = createSigningKeyProvider(clientFor);
        const sps = Array.from({ length: 6 }, () => graph.addServicePrincipal());
        await Promise.all(sps.map((sp) => keys.create({ servicePrincipalId: sp.id, thumbprint: THUMBPRINT })));
        expect(graph.requests.length).toBeGreaterThanOrEqual(6);
        expect(grants()).toHaveLength(1);
    });

    it("gives another tenant its own client and token", async () => {
        const clientFor = graphClients(options());
        await resourceCalls(clientFor);
        await resourceCalls(clientFor, OTHER_TENANT);
        await resourceCalls(clientFor);
        expect(grants().map((r) => r.grant?.tenant)).toEqual([TENANT, OTHER_TENANT]);
        expect(clientFor(OTHER_TENANT)).not.toBe(clientFor());
        expect(clientFor(OTHER_TENANT)).toBe(clientFor(OTHER_TENANT));
    });

    it("builds a new client when a setting changes, and uses the new setting at once", async () => {
        const clientFor = graphClients(options());
        const before = clientFor();
        await resourceCalls(clientFor);
        // The secret changes (a rotation, or another stack config delivered): the cached client is not reused.
        setStackConfig(config("a-rotated-secret-the-stand-in-refuses"));
        const after = clientFor();
        expect(after).not.toBe(before);
        await expect(resourceCalls(clientFor)).rejects.toThrow("no Microsoft Graph token");
        expect(grants().map((r) => r.grant?.accepted)).toEqual([true, false]);
        // Back to the accepted secret: a client for those settings again, and it works.
        setStackConfig(config(CLIENT_SECRET));
        await resourceCalls(clientFor);
        expect(grants().filter((r) => r.grant?.accepted)).toHaveLength(2);
    });
});
