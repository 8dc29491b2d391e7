// Access-token requests per provider process: a stack of `connections` connections over `tenants` Entra tenants,
// every custom resource created, then refreshed, then destroyed, each operation with new provider objects (a new
// process). Auth0's client-credentials grants are counted by the Auth0 stand-in; Entra's by a counting credential
// handed to the real per-process Graph client cache (graphClients), which asks it once per token it needs.
// Run twice: all resources at once (the engine's default, unbounded --parallel) and one at a time (--parallel 1).
import type { AccessToken, TokenCredential } from "@azure/identity";
import type * as pulumi from "@pulumi/pulumi";
import { createProvider as createSigningKeyProvider } from "../../components/1-entra-app/preferredTokenSigningKeyProvider";
import { createScimTokenProvider } from "../../components/2-auth0-connection/scimTokenProvider";
import { createProvider as createOnDemandProvider } from "../../components/3-entra-provisioning/provisionOnDemandProvider";
import { createProvider as createStatusProvider } from "../../components/3-entra-provisioning/provisioningStatusProvider";
import { RequestPacer } from "../../components/3-entra-provisioning/requestPacer";
import { createProvider as createSchemaProvider } from "../../components/3-entra-provisioning/synchronizationSchemaProvider";
import { graphClients } from "../../components/clients/graph";
import { startAuth0StandIn } from "../../test/support/auth0StandIn";
import { startGraphStandIn } from "../../test/support/graphStandIn";
import { seededGuid } from "./generate";

const DOMAIN = "bench-vendor.eu.auth0.com";
const CLIENT_ID = "bench-client-id";
const CLIENT_SECRET = "bench-client-secret";
/** How long the counting credential takes to answer, as a token endpoint would (it is not instant). */
const TOKEN_LATENCY_MS = 20;

export type TokenOperation = "create" | "refresh" | "destroy";
export type Parallelism = "all at once" | "one at a time";

export interface TokenRequestCount {
    operation: TokenOperation;
    parallelism: Parallelism;
    /** POST /oauth/token at the Auth0 stand-in. */
    auth0: number;
    /** getToken calls of the Entra credential, all tenants. */
    entra: number;
    /** Distinct tenants those were for. */
    entraTenants: number;
}

export interface TokenRequestReport {
    connections: number;
    tenants: number;
    counts: TokenRequestCount[];
}

type Provider = pulumi.dynamic.ResourceProvider;
interface Live {
    provider: (p: Providers) => Provider;
    inputs: Record<string, unknown>;
    id?: string;
    outs?: Record<string, unknown>;
}
interface Providers {
    scimToken: Provider;
    signingKey: Provider;
    schema: Provider;
    status: Provider;
    onDemand: Provider;
}

export async function countTokenRequests(connections = 20, tenants = 2): Promise<TokenRequestReport> {
    const auth0 = await startAuth0StandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: `https://${DOMAIN}/api/v2/` });
    const graph = await startGraphStandIn();
    try {
        const tenantIds = Array.from({ length: tenants }, (_, t) => seededGuid(`tenant/${t}`));
        const entraRequests: string[] = [];
        const credential: TokenCredential = {
            async getToken(_scopes, options): Promise<AccessToken> {
                entraRequests.push(options?.tenantId ?? "(default)");
                await new Promise((resolve) => setTimeout(resolve, TOKEN_LATENCY_MS));
                return { token: graph.token, expiresOnTimestamp: Date.now() + 3_600_000 };
            },
        };
        // One provider process: one Graph client cache shared by every Graph provider, one ScimToken provider.
        const newProcess = (): Providers => {
            const clientFor = graphClients({ baseUrl: graph.url, credential, timeoutMs: 5000, sleep: async () => {} });
            return {
                scimToken: createScimTokenProvider({
                    env: () => ({ AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET }),
                    management: { baseUrl: auth0.url, sleep: async () => {} },
                    log: () => {},
                }) as Provider,
                signingKey: createSigningKeyProvider(clientFor),
                schema: createSchemaProvider(clientFor),
                status: createStatusProvider(clientFor),
                onDemand: createOnDemandProvider(clientFor, { pacer: new RequestPacer(5, 11_000, () => 0), sleep: async () => {} }),
            };
        };
        const resources = (): Live[] => {
            const out: Live[] = [];
            for (let i = 0; i < connections; i++) {
                const connectionId = `con_Bench${i}`;
                auth0.addConnection(connectionId, { name: `customer-${i}` });
                const sp = graph.addServicePrincipal();
                const jobId = graph.addJob(sp.id, { statusCode: "NotConfigured" });
                const tenantId = tenantIds[i % tenants];
                const job = { servicePrincipalId: sp.id, synchronizationJobId: jobId, tenantId };
                out.push(
                    { provider: (p) => p.scimToken, inputs: { connectionId, scopes: ["get:users", "post:users"] } },
                    { provider: (p) => p.signingKey, inputs: { servicePrincipalId: sp.id, thumbprint: "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678", tenantId } },
                    { provider: (p) => p.schema, inputs: { ...job, emailMatchingPrecedence: 2, provisionGroups: true } },
                    { provider: (p) => p.status, inputs: { ...job, enabled: true } },
                    {
                        provider: (p) => p.onDemand,
                        inputs: { ...job, ruleId: "bench-rule", objectId: seededGuid(`user/${i}/0`), objectTypeName: "User" },
                    },
                );
            }
            return out;
        };
        const steps: Record<TokenOperation, (p: Provider, r: Live) => Promise<void>> = {
            create: async (p, r) => {
                const checked = await p.check!({}, r.inputs);
                const created = await p.create(checked.inputs ?? r.inputs);
                r.id = created.id;
                r.outs = created.outs;
            },
            refresh: async (p, r) => {
                await p.read?.(r.id!, r.outs);
            },
            destroy: async (p, r) => {
                await p.delete?.(r.id!, r.outs);
            },
        };
        const counts: TokenRequestCount[] = [];
        for (const parallelism of ["all at once", "one at a time"] as const) {
            const live = resources();
            for (const operation of ["create", "refresh", "destroy"] as const) {
                const providers = newProcess();
                const auth0Before = auth0.requests.filter((r) => r.path === "/oauth/token").length;
                entraRequests.length = 0;
                if (parallelism === "all at once") await Promise.all(live.map((r) => steps[operation](r.provider(providers), r)));
                else for (const r of live) await steps[operation](r.provider(providers), r);
                counts.push({
                    operation,
                    parallelism,
                    auth0: auth0.requests.filter((r) => r.path === "/oauth/token").length - auth0Before,
                    entra: entraRequests.length,
                    entraTenants: new Set(entraRequests).size,
                });
            }
        }
        return { connections, tenants, counts };
    } finally {
        await auth0.close();
        await graph.close();
    }
}
