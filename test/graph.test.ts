// The Graph client against the local stand-in: parsing, bounded retries honouring Retry-After, the 404 of
// eventual consistency only when asked, timeouts, and errors that name the operation, status, code and permission.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { GRAPH_SCOPE, GRAPH_TOKEN_ENV, GRAPH_URL_ENV, GraphClient } from "../components/clients/graph";
import { GraphError, permissionHint } from "../components/clients/graphError";
import { graphPaths } from "../components/clients/graphPaths";
import { retryAfterMs } from "../components/helpers/retryAfter";
import { type GraphStandIn, startGraphStandIn } from "./support/graphStandIn";

let g: GraphStandIn;
let sleeps: number[];
let spId: string;
let jobId: string;

beforeAll(async () => {
    g = await startGraphStandIn();
});
afterAll(async () => {
    await g.close();
});
afterEach(() => {
    g.reset();
});

function client(extra: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}): GraphClient {
    sleeps = [];
    const sp = g.addServicePrincipal();
    spId = sp.id;
    jobId = g.addJob(sp.id);
    return new GraphClient({
        baseUrl: g.url,
        token: g.token,
        sleep: async (ms) => {
            sleeps.push(ms);
        },
        ...extra,
    });
}

describe("GraphClient", () => {
    it("sends the bearer token and returns parsed JSON; undefined for 204", async () => {
        const c = client();
        const job = await c.get<{ id: string; templateId: string }>(graphPaths.job(spId, jobId), { operation: "read job" });
        expect(job).toMatchObject({ id: jobId, templateId: "scim" });
        expect(await c.post(graphPaths.jobAction(spId, jobId, "start"), undefined, { operation: "start job" })).toBeUndefined();
        expect(g.requests.map((r) => [r.method, r.authorization])).toEqual([
            ["GET", `Bearer ${g.token}`],
            ["POST", `Bearer ${g.token}`],
        ]);
        // Job ids hold dots: the path carries them as they are.
        expect(g.requests[0].path).toBe(`/servicePrincipals/${spId}/synchronization/jobs/${jobId}`);
    });

    it("waits as long as Retry-After says on 429, then succeeds", async () => {
        const c = client();
        g.injectThrottle("GET", /\/schema$/, 7, 2);
        const schema = await c.get<{ id: string }>(graphPaths.schema(spId, jobId), { operation: "read schema" });
        expect(schema.id).toBe(jobId);
        expect(sleeps).toEqual([7000, 7000]);
        expect(g.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    });

    it("backs off exponentially on 503 and 504 without Retry-After", async () => {
        const c = client();
        g.injectUnavailable("PUT", /\/schema$/, 2, 503);
        g.injectUnavailable("PUT", /\/schema$/, 1, 504);
        await c.put(graphPaths.schema(spId, jobId), { synchronizationRules: [] }, { operation: "write schema" });
        expect(sleeps).toEqual([1000, 2000, 4000]);
        expect(g.requests.map((r) => r.status)).toEqual([503, 503, 504, 204]);
    });

    it("gives up after maxRetries and says how often it tried", async () => {
        const c = client({ maxRetries: 2 });
        g.injectUnavailable("GET", /\/jobs\/[^/]+$/, 10);
        const err = await c.get(graphPaths.job(spId, jobId), { operation: `read synchronization job ${jobId}` }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GraphError);
        expect(err).toMatchObject({ status: 503, code: "ServiceUnavailable" });
        expect((err as Error).message).toMatch(
            new RegExp(
                `read synchronization job ${jobId.replace(/\./g, "\\.")} failed \\(HTTP 503 on GET .*\\): ServiceUnavailable: The service is temporarily unavailable\\. \\(after 3 attempts\\)`,
            ),
        );
        expect(g.requests).toHaveLength(3);
    });

    it("caps a huge Retry-After at maxDelayMs", async () => {
        const c = client({ maxDelayMs: 5000 });
        g.injectThrottle("GET", /\/jobs\/[^/]+$/, 3600);
        await c.get(graphPaths.job(spId, jobId), { operation: "read job" });
        expect(sleeps).toEqual([5000]);
    });

    it("fails on 404 at once unless the caller asks for eventual-consistency retries", async () => {
        const c = client();
        g.injectNotFound("GET", /\/schema$/);
        const err = await c.get(graphPaths.schema(spId, jobId), { operation: "read schema" }).catch((e: unknown) => e);
        expect(err).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
        expect(g.requests).toHaveLength(1);

        g.requests.length = 0;
        g.injectNotFound("GET", /\/schema$/, 2);
        const schema = await c.get<{ id: string }>(graphPaths.schema(spId, jobId), { operation: "read schema", retryOnNotFound: true });
        expect(schema.id).toBe(jobId);
        expect(sleeps).toEqual([2000, 4000]);
        expect(g.requests.map((r) => r.status)).toEqual([404, 404, 200]);
    });

    it("bounds the 404 retries too", async () => {
        const c = client();
        const err = await c
            .get(graphPaths.servicePrincipal("5e0c1b2a-0000-4000-8000-000000000000"), {
                operation: "read service principal",
                retryOnNotFound: { attempts: 2, delayMs: 100 },
            })
            .catch((e: unknown) => e);
        expect(err).toMatchObject({ status: 404 });
        expect(sleeps).toEqual([100, 200]);
        expect(g.requests).toHaveLength(3);
    });

    it("names the missing synchronization permission on 403, and never echoes the request body", async () => {
        const c = client();
        g.injectForbidden("PUT", /\/synchronization\/secrets$/);
        const err = await c
            .put(
                graphPaths.secrets(spId),
                { value: [{ key: "SecretToken", value: "tok_sentinel_do_not_log" }] },
                { operation: "save provisioning credentials" },
            )
            .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GraphError);
        const e = err as GraphError;
        expect(e.status).toBe(403);
        expect(e.code).toBe("Authorization_RequestDenied");
        expect(e.missingPermission).toMatch(/^Synchronization\.ReadWrite\.All/);
        expect(e.message).toContain("save provisioning credentials failed (HTTP 403 on PUT");
        expect(e.message).toContain("Authorization_RequestDenied: Insufficient privileges to complete the operation.");
        expect(e.message).toContain("likely lacks Synchronization.ReadWrite.All");
        expect(e.message).toMatch(/\[request-id [0-9a-f-]{36}\]/);
        expect(e.message).not.toContain("tok_sentinel_do_not_log");
        expect(g.requests).toHaveLength(1);
    });

    it("names Application.ReadWrite.OwnedBy / .All for a 403 on a service principal PATCH", async () => {
        const c = client();
        g.injectForbidden("PATCH", `/servicePrincipals/${spId}`);
        const err = (await c
            .patch(graphPaths.servicePrincipal(spId), { preferredTokenSigningKeyThumbprint: "AB" }, { operation: "activate key" })
            .catch((e: unknown) => e)) as GraphError;
        expect(err.message).toContain("Application.ReadWrite.OwnedBy (the caller must own the app) or Application.ReadWrite.All");
        expect(permissionHint("GET", `/servicePrincipals/${spId}`)).toMatch(/^Application\.Read\.All/);
        expect(permissionHint("GET", `/servicePrincipals/${spId}/synchronization/jobs/x`)).toMatch(
            /^Synchronization\.Read\.All or Synchronization\.ReadWrite\.All/,
        );
    });

    it("explains a rejected token (401)", async () => {
        const c = client({ token: "not-the-right-token" });
        const err = (await c.get(graphPaths.job(spId, jobId), { operation: "read job" }).catch((e: unknown) => e)) as GraphError;
        expect(err.status).toBe(401);
        expect(err.code).toBe("InvalidAuthenticationToken");
        expect(err.message).toContain("check the credential and its tenant");
        expect(err.message).not.toContain("not-the-right-token");
    });

    it("asks the credential for Graph's scope and the tenant, and reuses the token until 2 minutes before it expires", async () => {
        const calls: { scopes: string | string[]; tenantId?: string }[] = [];
        // One minute left (inside the 2-minute refresh window), then an hour.
        const lifetimes = [60_000, 3_600_000];
        const credential: TokenCredential = {
            async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
                calls.push({ scopes, tenantId: options?.tenantId });
                return { token: g.token, expiresOnTimestamp: Date.now() + (lifetimes[calls.length - 1] ?? 0) };
            },
        };
        const c = client({ token: undefined, credential, tenantId: "11111111-2222-3333-4444-555555555555" });
        // The first token is renewed for the second request; the hour-long one serves the third and fourth
        // (an Azure CLI credential would otherwise run `az` for each request).
        for (let i = 0; i < 4; i++) await c.get(graphPaths.job(spId, jobId), { operation: "read job" });
        expect(calls).toEqual([
            { scopes: GRAPH_SCOPE, tenantId: "11111111-2222-3333-4444-555555555555" },
            { scopes: GRAPH_SCOPE, tenantId: "11111111-2222-3333-4444-555555555555" },
        ]);
        expect(g.requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    });

    it("renews a token once the credential's refreshAfterTimestamp has passed", async () => {
        let calls = 0;
        const credential: TokenCredential = {
            async getToken(): Promise<AccessToken> {
                calls++;
                return { token: g.token, expiresOnTimestamp: Date.now() + 3_600_000, refreshAfterTimestamp: Date.now() - 1 };
            },
        };
        const c = client({ token: undefined, credential });
        await c.get(graphPaths.job(spId, jobId), { operation: "read job" });
        await c.get(graphPaths.job(spId, jobId), { operation: "read job" });
        expect(calls).toBe(2);
    });

    it("re-sends a non-idempotent POST on 429 and 503, each attempt after its turn, but not after a 504", async () => {
        const c = client();
        const turns: number[] = [];
        const beforeAttempt = async () => void turns.push(g.requests.length);
        const path = graphPaths.jobAction(spId, jobId, "provisionOnDemand");
        const body = { parameters: [{ ruleId: "r", subjects: [{ objectId: "u", objectTypeName: "User" }] }] };
        g.injectThrottle("POST", /\/provisionOnDemand$/, 3);
        g.injectUnavailable("POST", /\/provisionOnDemand$/, 1, 503);
        await c.post(path, body, { operation: "provision user u on demand", beforeAttempt });
        expect(g.requests.map((r) => r.status)).toEqual([429, 503, 200]);
        // Each turn was taken before its send: none had been sent, then one, then two.
        expect(turns).toEqual([0, 1, 2]);

        g.reset();
        g.injectUnavailable("POST", /\/provisionOnDemand$/, 1, 504);
        const err = (await c.post(path, body, { operation: "provision user u on demand" }).catch((e: unknown) => e)) as GraphError;
        expect(err).toMatchObject({ status: 504 });
        expect(g.requests.map((r) => r.status)).toEqual([504]);
        // The same 504 on an idempotent call is retried.
        g.reset();
        g.injectUnavailable("POST", /\/start$/, 1, 504);
        await c.post(graphPaths.jobAction(spId, jobId, "start"), undefined, { operation: "start job", idempotent: true });
        expect(g.requests.map((r) => r.status)).toEqual([504, 204]);
    });

    it("turns a credential failure into a GraphError that says how to sign in", async () => {
        const credential: TokenCredential = {
            async getToken(): Promise<AccessToken | null> {
                throw new Error("EnvironmentCredential is unavailable. No underlying credential could be used.\nmore");
            },
        };
        const c = client({ token: undefined, credential });
        const err = (await c.get(graphPaths.job(spId, jobId), { operation: "read job" }).catch((e: unknown) => e)) as GraphError;
        expect(err).toBeInstanceOf(GraphError);
        expect(err.status).toBe(0);
        expect(err.message).toContain("no Microsoft Graph token: EnvironmentCredential is unavailable");
        expect(err.message).toContain("az login");
        expect(g.requests).toHaveLength(0);
    });

    it("reads the base URL and a static token from the environment when not given", async () => {
        client();
        const saved = { url: process.env[GRAPH_URL_ENV], token: process.env[GRAPH_TOKEN_ENV] };
        process.env[GRAPH_URL_ENV] = g.url;
        process.env[GRAPH_TOKEN_ENV] = g.token;
        try {
            const c = new GraphClient();
            expect(c.baseUrl).toBe(g.url);
            await c.get(graphPaths.job(spId, jobId), { operation: "read job" });
            expect(g.requests[0].authorization).toBe(`Bearer ${g.token}`);
        } finally {
            for (const [k, v] of [
                [GRAPH_URL_ENV, saved.url],
                [GRAPH_TOKEN_ENV, saved.token],
            ] as const) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        }
    });
});

describe("timeouts", () => {
    let silent: http.Server;
    let url: string;
    let seen = 0;
    beforeAll(async () => {
        // Accepts requests and never answers.
        silent = http.createServer(() => {
            seen++;
        });
        await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
        url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1.0`;
    });
    afterAll(async () => {
        silent.closeAllConnections();
        await new Promise<void>((r) => silent.close(() => r()));
    });

    it("times out each attempt, retries a bounded number of times, then names the operation", async () => {
        const waits: number[] = [];
        const c = new GraphClient({ baseUrl: url, token: "t", timeoutMs: 150, maxRetries: 1, sleep: async (ms) => void waits.push(ms) });
        const err = (await c.get("/servicePrincipals/x", { operation: "read service principal x" }).catch((e: unknown) => e)) as GraphError;
        expect(err).toBeInstanceOf(GraphError);
        expect(err.status).toBe(0);
        expect(err.message).toContain("read service principal x failed (no response: timed out after 150 ms)");
        expect(seen).toBe(2);
        expect(waits).toEqual([1000]);
    });

    it("never re-sends a POST after a timeout, and says why", async () => {
        const waits: number[] = [];
        const before = seen;
        const c = new GraphClient({ baseUrl: url, token: "t", timeoutMs: 150, maxRetries: 3, sleep: async (ms) => void waits.push(ms) });
        const err = (await c
            .post("/servicePrincipals/x/synchronization/jobs/j/provisionOnDemand", {}, { operation: "provision user u on demand" })
            .catch((e: unknown) => e)) as GraphError;
        expect(err).toBeInstanceOf(GraphError);
        expect(err.status).toBe(0);
        expect(err.message).toContain("timed out after 150 ms; not retried: POST is not idempotent and Graph may have run it");
        expect(seen - before).toBe(1);
        expect(waits).toEqual([]);
    });
});

describe("per-request timeout", () => {
    let slow: http.Server;
    let url: string;
    beforeAll(async () => {
        // Answers every request after 400 ms, as a slow synchronous call would.
        slow = http.createServer((_req, res) => {
            setTimeout(() => {
                res.writeHead(200, { "content-type": "application/json" });
                res.end('{"key":"k","value":"v"}');
            }, 400);
        });
        await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
        url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/v1.0`;
    });
    afterAll(async () => {
        slow.closeAllConnections();
        await new Promise<void>((r) => slow.close(() => r()));
    });

    it("replaces the client's timeout for that request only", async () => {
        const c = new GraphClient({ baseUrl: url, token: "t", timeoutMs: 100, maxRetries: 0, sleep: async () => undefined });
        const op = { operation: "provision user u on demand" };
        await expect(c.post("/x/provisionOnDemand", {}, op)).rejects.toThrow("timed out after 100 ms");
        await expect(c.post("/x/provisionOnDemand", {}, { ...op, timeoutMs: 5000 })).resolves.toEqual({ key: "k", value: "v" });
    });
});

describe("retryAfterMs", () => {
    it("reads seconds and HTTP dates", () => {
        expect(retryAfterMs("5")).toBe(5000);
        expect(retryAfterMs("0.5")).toBe(500);
        const now = Date.parse("2025-01-01T00:00:00Z");
        expect(retryAfterMs("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
        expect(retryAfterMs("Tue, 31 Dec 2024 23:00:00 GMT", now)).toBe(0);
        expect(retryAfterMs(null)).toBeUndefined();
        expect(retryAfterMs("soon")).toBeUndefined();
    });
});
