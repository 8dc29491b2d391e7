import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Auth0StandIn, startAuth0StandIn } from "./support/auth0StandIn";
import { type ModelState, modelRefresh, modelUp } from "./support/engineModel";
import { Auth0ApiError, Auth0CredentialsError, ScimTokenApi, resolveAuth0Credentials } from "../components/clients/auth0Management";
import {
    type ScimTokenInputs,
    type ScimTokenOutputs,
    type ScimTokenProviderOptions,
    createScimTokenProvider,
    parseScimTokenResourceId,
} from "../components/2-auth0-connection/scimTokenProvider";
import { DAY_MS } from "../components/2-auth0-connection/tokenRotation";
import { setStackConfig } from "../components/clients/credentials";
import { withStackConfig } from "../components/dynamic/withStackConfig";
import { scheduledRotateAfter } from "../components/2-auth0-connection/tokenRotation";
import createResponse from "./fixtures/auth0-scim-token-create-response.json";
import listResponse from "./fixtures/auth0-scim-tokens-list-response.json";

const DOMAIN = "acme.eu.auth0.com";
const CLIENT_ID = "m2m-client-id-abc";
const CLIENT_SECRET = "m2m-client-secret-do-not-print-0123456789";
const CONN = "con_Hvg6w4PSvAVOoCJ2";
const USER_SCOPES = ["get:users", "post:users", "patch:users", "delete:users"];
const START = new Date("2025-11-06T03:50:37.836Z");

type State = ModelState<ScimTokenInputs, ScimTokenOutputs>;

let standIn: Auth0StandIn;
let clock: Date;
let logs: string[];
let sleeps: number[];
let errors: string[];

const advanceDays = (d: number) => {
    clock = new Date(clock.getTime() + d * DAY_MS);
};

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: CLIENT_ID, AUTH0_CLIENT_SECRET: CLIENT_SECRET, ...extra };
}

function makeProvider(overrides: Partial<ScimTokenProviderOptions> = {}) {
    return createScimTokenProvider({
        now: () => clock,
        env: () => env(),
        management: {
            baseUrl: standIn.url,
            sleep: async (ms) => {
                sleeps.push(ms);
            },
            now: () => clock.getTime(),
            timeoutSeconds: 5,
        },
        log: (line) => logs.push(line),
        ...overrides,
    });
}

/** Runs fn and keeps its error message for the secrecy check at the end of each test. */
async function failure(fn: () => Promise<unknown>): Promise<Error> {
    try {
        await fn();
    } catch (e) {
        errors.push((e as Error).message, String((e as Error).stack));
        return e as Error;
    }
    throw new Error("expected a failure");
}

const args = (extra: Partial<ScimTokenInputs> = {}): ScimTokenInputs => ({
    connectionId: CONN,
    scopes: USER_SCOPES,
    tokenLifetimeDays: 90,
    tokenRotationDays: 60,
    ...extra,
});
const apiCalls = () => standIn.requests.filter((r) => r.method !== "NOTE" && r.path.startsWith("/api/v2"));

beforeEach(async () => {
    clock = START;
    logs = [];
    sleeps = [];
    errors = [];
    standIn = await startAuth0StandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, audience: `https://${DOMAIN}/api/v2/`, now: () => clock });
    standIn.addConnection(CONN, { name: "acme-entra" });
});

afterEach(async () => {
    setStackConfig(undefined);
    // No token value in any log line or error this test produced.
    const printed = [...logs, ...errors].join("\n");
    for (const value of standIn.issuedValues) expect(printed).not.toContain(value);
    expect(printed).not.toContain(CLIENT_SECRET);
    await standIn.close();
});

describe("the stand-in speaks the recorded shapes", () => {
    it("answers POST with the recorded create body's keys and GET with the list body's keys (no value)", async () => {
        const apiToken = "static-management-api-token-0123456789";
        const raw = await startAuth0StandIn({ apiToken, now: () => clock });
        try {
            raw.addConnection(CONN);
            const call = async (method: string, body?: unknown) => {
                const res = await fetch(`${raw.url}/api/v2/connections/${CONN}/scim-configuration/tokens`, {
                    method,
                    headers: { authorization: `Bearer ${apiToken}`, "content-type": "application/json" },
                    ...(body ? { body: JSON.stringify(body) } : {}),
                    signal: AbortSignal.timeout(5_000),
                });
                return (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>>;
            };
            const posted = await call("POST", { scopes: ["get:users", "post:users"] });
            expect(Object.keys(posted).sort()).toEqual(Object.keys(createResponse).sort());
            // The value is the token id, a dot and the secret, as in the recorded body.
            expect(createResponse.token.startsWith(`${createResponse.token_id}.`)).toBe(true);
            expect(String(posted.token).startsWith(`${String(posted.token_id)}.`)).toBe(true);
            const listed = await call("GET");
            expect(Object.keys(listed[0]).sort()).toEqual(Object.keys(listResponse[0]).sort());
        } finally {
            await raw.close();
        }
    });

    it("is read by the client into what the provider uses", async () => {
        const api = new ScimTokenApi({ credentials: resolveAuth0Credentials(undefined, env()), baseUrl: standIn.url });
        const issued = await api.create(CONN, { scopes: ["get:users", "post:users"] });
        const post = apiCalls().find((r) => r.method === "POST")!;
        expect(post.body).toEqual({ scopes: ["get:users", "post:users"] });
        const [held] = standIn.tokens(CONN);
        expect(issued).toEqual({ tokenId: held.token_id, token: held.token, scopes: ["get:users", "post:users"], createdAt: START.toISOString() });
        expect(await api.list(CONN)).toEqual([{ tokenId: held.token_id, scopes: ["get:users", "post:users"], createdAt: START.toISOString() }]);
    });
});

describe("create", () => {
    it("asks Auth0 for a real lifetime and reports validUntil and rotateAfter", async () => {
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args());
        expect(checked.failures ?? []).toEqual([]);
        const { id, outs } = await p.create(checked.inputs!);
        const post = apiCalls().find((r) => r.method === "POST")!;
        expect(post.path).toBe(`/api/v2/connections/${CONN}/scim-configuration/tokens`);
        expect(post.body).toEqual({ scopes: USER_SCOPES, token_lifetime: 90 * 86_400 });
        expect(id).toBe(`${CONN}/${outs!.tokenId}`);
        expect(outs!.createdAt).toBe(START.toISOString());
        expect(outs!.validUntil).toBe(new Date(START.getTime() + 90 * DAY_MS).toISOString());
        expect(outs!.rotateAfter).toBe(new Date(START.getTime() + 60 * DAY_MS).toISOString());
        expect(outs!.token).toBe(standIn.tokens(CONN)[0].token);
        // The client-credentials grant went to the tenant's audience; the secret is in no recorded body.
        const grant = standIn.requests.find((r) => r.path === "/oauth/token")!;
        expect(grant.body).toMatchObject({
            grant_type: "client_credentials",
            client_id: CLIENT_ID,
            audience: `https://${DOMAIN}/api/v2/`,
            client_secret: "[redacted]",
        });
    });

    it("asks Auth0 for one access token per provider process, not one per call (a refresh of N tokens: 1 grant + N reads)", async () => {
        const p = makeProvider();
        const { id, outs } = await p.create((await p.check!({} as ScimTokenInputs, args())).inputs!);
        for (let i = 0; i < 3; i++) await p.read!(id, outs);
        expect(standIn.requests.filter((r) => r.path === "/oauth/token")).toHaveLength(1);
        expect(apiCalls().filter((r) => r.method === "GET")).toHaveLength(3);
    });

    it("asks for a non-expiring token when no lifetime is set", async () => {
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, { connectionId: CONN, scopes: USER_SCOPES });
        const { outs } = await p.create(checked.inputs!);
        expect(apiCalls().find((r) => r.method === "POST")!.body).toEqual({ scopes: USER_SCOPES });
        expect(outs!.validUntil).toBeNull();
        expect(outs!.rotateAfter).toBeNull();
        expect(checked.inputs).not.toHaveProperty("rotateAfter");
    });

    it("rejects bad inputs in check, before any API call", async () => {
        const p = makeProvider();
        const r = await p.check!({} as ScimTokenInputs, args({ tokenLifetimeDays: 30, tokenRotationDays: 30, scopes: [] }));
        expect(r.failures!.map((f) => f.property).sort()).toEqual(["scopes", "tokenRotationDays"]);
        expect(standIn.requests).toEqual([]);
    });
});

describe("diff", () => {
    async function created(p = makeProvider()): Promise<State> {
        return (await modelUp(p, undefined, args(), async () => {})).state;
    }

    it("is a no-op, without API calls, while nothing changed and the date has not passed", async () => {
        const p = makeProvider();
        const s = await created(p);
        const before = standIn.requests.length;
        advanceDays(59);
        const checked = await p.check!(s.inputs, args());
        expect(checked.inputs!.rotateAfter).toBe(s.outputs.rotateAfter);
        expect(await p.diff!(s.id, s.outputs, checked.inputs!)).toEqual({ changes: false, deleteBeforeReplace: false });
        // Scopes in another order are the same scopes.
        const reordered = await p.check!(s.inputs, args({ scopes: [...USER_SCOPES].reverse() }));
        expect((await p.diff!(s.id, s.outputs, reordered.inputs!)).changes).toBe(false);
        expect(standIn.requests.length).toBe(before);
    });

    it("replaces at the rotation date, with rotateAfter as the changed input and the reason logged", async () => {
        const p = makeProvider();
        const s = await created(p);
        const before = standIn.requests.length;
        clock = new Date(s.outputs.rotateAfter!);
        const checked = await p.check!(s.inputs, args());
        const next = new Date(clock.getTime() + 60 * DAY_MS).toISOString();
        expect(checked.inputs!.rotateAfter).toBe(next);
        const d = await p.diff!(s.id, s.outputs, checked.inputs!);
        expect(d).toEqual({ changes: true, replaces: ["rotateAfter"], deleteBeforeReplace: false });
        expect(logs.at(-1)).toContain(`its rotation date ${s.outputs.rotateAfter} has passed (next: ${next})`);
        expect(logs.at(-1)).toMatch(/the new token is created, then .* updated, then the old token is deleted/);
        expect(standIn.requests.length).toBe(before);
    });

    it("replaces when scopes, lifetime or connection change", async () => {
        const p = makeProvider();
        const s = await created(p);
        const cases: [Partial<ScimTokenInputs>, string][] = [
            [{ scopes: [...USER_SCOPES, "get:groups", "post:groups", "patch:groups", "delete:groups"] }, "scopes"],
            [{ tokenLifetimeDays: 180 }, "tokenLifetimeDays"],
            [{ connectionId: "con_other000000000" }, "connectionId"],
            [{ connectionId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }, "connectionId"], // unknown during preview
        ];
        for (const [change, key] of cases) {
            const checked = await p.check!(s.inputs, args(change));
            const d = await p.diff!(s.id, s.outputs, checked.inputs!);
            expect(d.replaces).toEqual([key]);
            expect(d.deleteBeforeReplace).toBe(false);
        }
    });

    it("a new rotation period is no change (never an Update, whose preview hides the token), and still rotates on the new date", async () => {
        const p = makeProvider();
        const s = await created(p);
        advanceDays(10);
        const before = standIn.requests.length;
        const r = await modelUp(p, s, args({ tokenRotationDays: 45 }), async () => {});
        expect(r.step).toBe("same");
        // The engine's Same step records the checked inputs and keeps the outputs, token included.
        const at45 = new Date(START.getTime() + 45 * DAY_MS).toISOString();
        expect(r.state.inputs.rotateAfter).toBe(at45);
        expect(r.state.outputs).toEqual(s.outputs);
        expect(scheduledRotateAfter(r.state.outputs, args({ tokenRotationDays: 45 }))).toBe(at45);
        expect(standIn.requests.length).toBe(before);
        expect((await modelUp(p, r.state, args({ tokenRotationDays: 45 }), async () => {})).step).toBe("same");
        // Day 45 under the new period: replaced, although the recorded outputs still say day 60.
        advanceDays(35);
        const rotated = await modelUp(p, r.state, args({ tokenRotationDays: 45 }), async () => {});
        expect(rotated.step).toBe("replace");
        expect(rotated.replaces).toEqual(["rotateAfter"]);
    });

    it("a first rotation period for a token that had none counts from its creation, with no change until then", async () => {
        const p = makeProvider();
        const never = args({ tokenLifetimeDays: undefined, tokenRotationDays: undefined });
        const s = (await modelUp(p, undefined, never, async () => {})).state;
        expect(s.outputs.rotateAfter).toBeNull();
        advanceDays(20);
        const every30 = args({ tokenLifetimeDays: undefined, tokenRotationDays: 30 });
        const r = await modelUp(p, s, every30, async () => {});
        expect(r.step).toBe("same");
        expect(scheduledRotateAfter(r.state.outputs, { tokenRotationDays: 30 })).toBe(new Date(START.getTime() + 30 * DAY_MS).toISOString());
        advanceDays(10);
        const rotated = await modelUp(p, r.state, every30, async () => {});
        expect(rotated.step).toBe("replace");
        expect(rotated.replaces).toEqual(["tokenRotationDays"]);
        expect(rotated.state.outputs.rotateAfter).toBe(new Date(clock.getTime() + 30 * DAY_MS).toISOString());
        // Its successor rotates on its own date too, 30 days on.
        advanceDays(29);
        expect((await modelUp(p, rotated.state, every30, async () => {})).step).toBe("same");
        advanceDays(1);
        expect((await modelUp(p, rotated.state, every30, async () => {})).step).toBe("replace");
    });

    it("replaces an expired token even without a rotation date", async () => {
        const p = makeProvider();
        const s = await created(p);
        const noDate = { ...s.outputs, rotateAfter: null };
        advanceDays(90);
        const d = await p.diff!(s.id, noDate, { ...args(), rotateAfter: undefined });
        expect(d.replaces).toContain("validUntil");
        expect(logs.at(-1)).toContain("the token expired at");
    });
});

describe("rotation in Pulumi's replacement order", () => {
    interface Entra {
        secret?: string;
        probes: { at: string; works: boolean }[];
    }

    /** The Entra synchronization secret, as a dependent of the token: recorded in the stand-in's call log. */
    function entraSecret(entra: Entra) {
        return async (outs: ScimTokenOutputs) => {
            if (outs.token === entra.secret) return;
            standIn.note(`entra: synchronization secret set to ${outs.tokenId}`);
            entra.secret = outs.token;
        };
    }

    function probe(entra: Entra) {
        entra.probes.push({ at: clock.toISOString(), works: !!entra.secret && standIn.scimTokenWorks(CONN, entra.secret) });
    }

    it("creates the new token, then updates Entra, then deletes the old one: one token left, never more than two", async () => {
        const p = makeProvider();
        const entra: Entra = { probes: [] };
        const first = await modelUp(p, undefined, args(), entraSecret(entra));
        advanceDays(61);
        standIn.requests.length = 0;
        const r = await modelUp(p, first.state, args(), async (outs) => {
            probe(entra); // the old token still works while Entra is being moved
            await entraSecret(entra)(outs);
            probe(entra);
        });
        probe(entra);
        expect(r.step).toBe("replace");
        expect(r.replaces).toEqual(["rotateAfter"]);
        const steps = standIn.requests
            .filter((x) => x.path !== "/oauth/token")
            .map((x) => x.note ?? `${x.method} ${x.path.replace(`/api/v2/connections/${CONN}/scim-configuration`, "")} ${x.status}`);
        expect(steps).toEqual([
            "POST /tokens 201",
            `entra: synchronization secret set to ${r.state.outputs.tokenId}`,
            `DELETE /tokens/${first.state.outputs.tokenId} 204`,
        ]);
        expect(standIn.tokens(CONN).map((t) => t.token_id)).toEqual([r.state.outputs.tokenId]);
        expect(standIn.connections.get(CONN)!.maxTokensHeld).toBe(2);
        expect(entra.probes.every((x) => x.works)).toBe(true);
        expect(entra.secret).toBe(r.state.outputs.token);
    });

    it("with deleteBeforeReplace (which ScimToken never asks for) Entra would hold a deleted token", async () => {
        const base = makeProvider();
        const dbr = { ...base, diff: async (...a: Parameters<NonNullable<typeof base.diff>>) => ({ ...(await base.diff!(...a)), deleteBeforeReplace: true }) };
        const entra: Entra = { probes: [] };
        const first = await modelUp(dbr, undefined, args(), entraSecret(entra));
        advanceDays(61);
        await modelUp(dbr, first.state, args(), async (outs) => {
            probe(entra);
            await entraSecret(entra)(outs);
        });
        expect(entra.probes[0].works).toBe(false);
    });

    it("a scheduled pulumi up (weekly) keeps Entra on a valid token for a year", async () => {
        const p = makeProvider();
        const entra: Entra = { probes: [] };
        const schedule = args({ tokenLifetimeDays: 30, tokenRotationDays: 21 });
        let state = (await modelUp(p, undefined, schedule, entraSecret(entra))).state;
        let replacements = 0;
        for (let week = 1; week <= 52; week++) {
            // Probe every day in between runs: Entra calls the SCIM endpoint all the time.
            for (let day = 0; day < 7; day++) {
                advanceDays(1);
                probe(entra);
            }
            const r = await modelUp(p, state, schedule, async (outs) => {
                probe(entra);
                await entraSecret(entra)(outs);
                probe(entra);
            });
            if (r.step === "replace") replacements++;
            state = r.state;
            probe(entra);
            expect(standIn.tokens(CONN)).toHaveLength(1);
        }
        expect(entra.probes.filter((x) => !x.works)).toEqual([]);
        expect(standIn.connections.get(CONN)!.maxTokensHeld).toBe(2);
        expect(replacements).toBeGreaterThanOrEqual(15);
        expect(apiCalls().filter((x) => x.status === 409)).toEqual([]);
    });

    it("runs further apart than lifetime minus rotation let the token expire (why the README asks for a schedule)", async () => {
        const p = makeProvider();
        const entra: Entra = { probes: [] };
        const schedule = args({ tokenLifetimeDays: 30, tokenRotationDays: 21 });
        let state = (await modelUp(p, undefined, schedule, entraSecret(entra))).state;
        for (let run = 1; run <= 3; run++) {
            for (let day = 0; day < 20; day++) {
                advanceDays(1);
                probe(entra);
            }
            state = (await modelUp(p, state, schedule, entraSecret(entra))).state;
        }
        // Run on day 20: not due yet. Expired from day 30 until the run on day 40 (probed just before it).
        expect(entra.probes.filter((x) => !x.works).map((x) => x.at)).toEqual(
            Array.from({ length: 11 }, (_, i) => new Date(START.getTime() + (30 + i) * DAY_MS).toISOString()),
        );
    });

    it("a dashboard delete is noticed by refresh, and the next up gives Entra a new token", async () => {
        const p = makeProvider();
        const entra: Entra = { probes: [] };
        const first = await modelUp(p, undefined, args(), entraSecret(entra));
        standIn.dashboardDelete(CONN, first.state.outputs.tokenId);
        expect(await p.read!(first.state.id, first.state.outputs)).toEqual({ id: "" });
        expect(logs.at(-1)).toMatch(/no longer lists this token/);
        const refreshed = await modelRefresh(p, first.state);
        expect(refreshed).toBeUndefined();
        const again = await modelUp(p, refreshed, args(), entraSecret(entra));
        expect(again.step).toBe("create");
        probe(entra);
        expect(entra.probes.at(-1)!.works).toBe(true);
    });
});

describe("errors", () => {
    it("explains a 409: which tokens exist and how to delete one", async () => {
        const handMade = standIn.addToken(CONN, { created_at: "2025-10-01T08:00:00.000Z", last_used_at: "2025-11-05T22:10:00.000Z" });
        const other = standIn.addToken(CONN, { created_at: "2025-10-02T08:00:00.000Z", lifetimeSeconds: 30 * 86_400 });
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args());
        const e = await failure(() => p.create(checked.inputs!));
        expect(e).toBeInstanceOf(Auth0ApiError);
        expect((e as Auth0ApiError).status).toBe(409);
        expect(e.message).toContain(`create SCIM token for connection ${CONN} failed (HTTP 409 on POST /api/v2/connections/${CONN}/scim-configuration/tokens)`);
        expect(e.message).toContain("Maximum of 2 tokens already issued for this connection");
        expect(e.message).toContain(`- ${handMade.token_id}: created 2025-10-01T08:00:00.000Z, never expires, last used 2025-11-05T22:10:00.000Z`);
        expect(e.message).toContain(`- ${other.token_id}: created 2025-10-02T08:00:00.000Z, valid until 2025-11-01T08:00:00.000Z, never used`);
        expect(e.message).toContain(`DELETE https://${DOMAIN}/api/v2/connections/${CONN}/scim-configuration/tokens/{tokenId}`);
        expect(e.message).toContain("Auth0 Dashboard > Authentication > Enterprise > SAML");
        expect(standIn.tokens(CONN)).toHaveLength(2);
    });

    it("retries a 429 after X-RateLimit-Reset, and gives up after a bounded number of attempts", async () => {
        const reset = Math.floor(clock.getTime() / 1000) + 3;
        standIn.inject({
            method: "POST",
            path: /\/tokens$/,
            status: 429,
            times: 2,
            headers: { "X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(reset) },
        });
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args());
        const { outs } = await p.create(checked.inputs!);
        expect(outs!.tokenId).toBe(standIn.tokens(CONN).at(-1)!.token_id);
        expect(sleeps).toEqual([reset * 1000 - clock.getTime(), reset * 1000 - clock.getTime()]);
        expect(
            apiCalls()
                .filter((r) => r.method === "POST")
                .map((r) => r.status),
        ).toEqual([429, 429, 201]);
        expect(standIn.tokens(CONN)).toHaveLength(1);

        standIn.inject({ method: "GET", path: /\/tokens$/, status: 429, times: 99, headers: { "X-RateLimit-Reset": String(reset + 600) } });
        const e = await failure(() => p.read!(`${CONN}/${outs!.tokenId}`, outs));
        expect(e.message).toMatch(/HTTP 429 on GET .*\(after 5 attempts\)/);
        expect(sleeps.slice(2)).toEqual([60_000, 60_000, 60_000, 60_000]); // capped wait
    });

    it("without X-RateLimit-Reset, waits as long as Retry-After says, in seconds or as an HTTP date", async () => {
        const inTwelve = new Date(clock.getTime() + 12_000).toUTCString();
        standIn.inject({ method: "POST", path: /\/tokens$/, status: 429, times: 1, headers: { "Retry-After": inTwelve } });
        standIn.inject({ method: "POST", path: /\/tokens$/, status: 429, times: 1, headers: { "Retry-After": "7" } });
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args());
        await p.create(checked.inputs!);
        // toUTCString drops the milliseconds: the date's wait is at most 12 s and more than 11 s.
        expect(sleeps).toHaveLength(2);
        expect(sleeps[0]).toBeGreaterThan(11_000);
        expect(sleeps[0]).toBeLessThanOrEqual(12_000);
        expect(sleeps[1]).toBe(7_000);
        expect(standIn.tokens(CONN)).toHaveLength(1);
    });

    it("retries 5xx on GET and DELETE, but never repeats a POST whose outcome is unknown", async () => {
        const p = makeProvider();
        const s = (await modelUp(p, undefined, args(), async () => {})).state;
        standIn.inject({ method: "GET", path: /\/tokens$/, status: 503, times: 1 });
        expect((await p.read!(s.id, s.outputs)).id).toBe(s.id);
        standIn.inject({ method: "POST", path: /\/tokens$/, status: 503, times: 1 });
        const checked = await p.check!({} as ScimTokenInputs, args());
        const e = await failure(() => p.create(checked.inputs!));
        expect((e as Auth0ApiError).status).toBe(503);
        expect(e.message).toContain("may or may not have issued a token");
        expect(e.message).toContain(`- ${s.outputs.tokenId}: created`);
        expect(
            apiCalls()
                .filter((r) => r.method === "POST")
                .map((r) => r.status),
        ).toEqual([201, 503]);
        standIn.inject({ method: "DELETE", path: /\/tokens\//, status: 504, times: 1 });
        await p.delete!(s.id, s.outputs);
        expect(standIn.tokens(CONN)).toEqual([]);
    });

    it("names the connection, status and Auth0 error code for a missing connection", async () => {
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args({ connectionId: "con_xxxxxxxxxxxxxxxx" }));
        const e = await failure(() => p.create(checked.inputs!));
        expect(e.message).toContain("create SCIM token for connection con_xxxxxxxxxxxxxxxx failed (HTTP 404");
        expect(e.message).toContain("inexistent_connection: The connection does not exist");
        expect(e.message).toContain("SCIM is not enabled");
    });

    it("retries a transient failure of the access-token request, even before a POST: the POST itself was not sent", async () => {
        standIn.inject({ method: "POST", path: /^\/oauth\/token$/, status: 503, times: 2 });
        const p = makeProvider();
        const checked = await p.check!({} as ScimTokenInputs, args());
        const { outs } = await p.create(checked.inputs!);
        expect(outs!.tokenId).toBe(standIn.tokens(CONN)[0].token_id);
        expect(standIn.requests.filter((r) => r.path === "/oauth/token").map((r) => r.status)).toEqual([503, 503, 200]);
        expect(
            apiCalls()
                .filter((r) => r.method === "POST")
                .map((r) => r.status),
        ).toEqual([201]);
        expect(sleeps).toHaveLength(2);
    });

    it("reports rejected client credentials without printing them, and does not retry them", async () => {
        const p = makeProvider({ env: () => env({ AUTH0_CLIENT_SECRET: "wrong-secret-value-xyz" }) });
        const e = await failure(() => p.read!(`${CONN}/tok_AAAAAAAAAAAAAAAA`, undefined));
        expect(standIn.requests.filter((r) => r.path === "/oauth/token").map((r) => r.status)).toEqual([401]);
        expect(e.message).toContain("HTTP 401 on POST /oauth/token");
        expect(e.message).toContain(`client ${CLIENT_ID}`);
        expect(e.message).not.toContain("wrong-secret-value-xyz");
    });
});

describe("credentials", () => {
    it("are read at call time from the environment, static API token first", async () => {
        await standIn.close();
        standIn = await startAuth0StandIn({ apiToken: "mgmt-api-token-0001", now: () => clock });
        standIn.addConnection(CONN);
        let current: NodeJS.ProcessEnv = {};
        const p = makeProvider({ env: () => current });
        const checked = await p.check!({} as ScimTokenInputs, args());
        const missing = await failure(() => p.create(checked.inputs!));
        expect(missing).toBeInstanceOf(Auth0CredentialsError);
        expect(missing.message).toContain("auth0:domain (or AUTH0_DOMAIN) is not set");
        current = { AUTH0_DOMAIN: DOMAIN, AUTH0_API_TOKEN: "mgmt-api-token-0001", AUTH0_CLIENT_ID: "ignored", AUTH0_CLIENT_SECRET: "ignored" };
        const { outs } = await p.create(checked.inputs!);
        expect(outs!.tokenId).toBe(standIn.tokens(CONN).at(-1)!.token_id);
        expect(standIn.requests.some((r) => r.path === "/oauth/token")).toBe(false);
    });

    it("come from the stack config given to configure (auth0:*), over the environment", async () => {
        // As the provider module exports it: withStackConfig keeps the config for every provider of the process.
        const p = withStackConfig(makeProvider({ env: () => ({}) }));
        const config: Record<string, string> = { "auth0:domain": DOMAIN, "auth0:clientId": CLIENT_ID, "auth0:clientSecret": CLIENT_SECRET };
        await p.configure!({ config: { get: (k) => config[k], require: (k) => config[k] } });
        const checked = await p.check!({} as ScimTokenInputs, args());
        const { outs } = await p.create(checked.inputs!);
        expect(outs!.tokenId).toBe(standIn.tokens(CONN).at(-1)!.token_id);
        // The provider's outputs never carry credentials.
        expect(JSON.stringify(outs)).not.toContain(CLIENT_SECRET);
    });

    it("name what is missing, never a value", () => {
        const e = (() => {
            try {
                resolveAuth0Credentials(undefined, { AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: "id-123" });
            } catch (x) {
                return x as Error;
            }
            throw new Error("expected");
        })();
        expect(e.message).toContain("auth0:clientSecret (or AUTH0_CLIENT_SECRET) is not set");
        expect(e.message).not.toContain("id-123");
        expect(resolveAuth0Credentials(undefined, { AUTH0_DOMAIN: `https://${DOMAIN}/`, AUTH0_API_TOKEN: "t" })).toEqual({ domain: DOMAIN, apiToken: "t" });
    });

    it("refuse a plain-http base URL that is not local", () => {
        expect(() => new ScimTokenApi({ credentials: { domain: DOMAIN, apiToken: "t" }, baseUrl: "http://example.com" })).toThrow(/only for a local stand-in/);
    });
});

describe("read and import id", () => {
    it("keeps the token value from state (Auth0 never returns it)", async () => {
        const p = makeProvider();
        const s = (await modelUp(p, undefined, args(), async () => {})).state;
        const r = await p.read!(s.id, s.outputs);
        expect(r.id).toBe(s.id);
        expect(r.props).toEqual(s.outputs);
        expect(r.inputs).toBeUndefined();
    });

    it("accepts connectionId/tokenId alone: adopts the token without its value", async () => {
        const existing = standIn.addToken(CONN, { created_at: "2025-10-01T08:00:00.000Z", lifetimeSeconds: 120 * 86_400 });
        const p = makeProvider();
        const id = `${CONN}/${existing.token_id}`;
        expect(parseScimTokenResourceId(id)).toEqual({ connectionId: CONN, tokenId: existing.token_id });
        expect(parseScimTokenResourceId(existing.token_id)).toBeUndefined();
        const r = await p.read!(id, undefined);
        expect(r.id).toBe(id);
        expect(r.props).toEqual({
            connectionId: CONN,
            scopes: USER_SCOPES,
            tokenLifetimeDays: 120,
            tokenId: existing.token_id,
            createdAt: "2025-10-01T08:00:00.000Z",
            validUntil: "2026-01-29T08:00:00.000Z",
            rotateAfter: "2025-12-30T08:00:00.000Z",
        });
        expect(r.props).not.toHaveProperty("token");
        expect(r.inputs).toEqual({ connectionId: CONN, scopes: USER_SCOPES, tokenLifetimeDays: 120, rotateAfter: "2025-12-30T08:00:00.000Z" });
        expect(logs.at(-1)).toContain("pulumi up --replace");
        // A forced replacement then gives Entra a fresh token and deletes the adopted one afterwards.
        const adopted: State = { id, inputs: r.inputs as unknown as ScimTokenInputs, outputs: r.props! };
        const checked = await p.check!(adopted.inputs, { connectionId: CONN, scopes: USER_SCOPES, tokenLifetimeDays: 120 });
        expect(await p.diff!(id, adopted.outputs, checked.inputs!)).toEqual({ changes: false, deleteBeforeReplace: false });
        const fresh = await p.create(checked.inputs!);
        await p.delete!(id, adopted.outputs);
        expect(standIn.tokens(CONN).map((t) => t.token_id)).toEqual([fresh.outs!.tokenId]);
    });

    it("drops the token when Auth0 answers 404 for its connection's tokens: connection deleted or SCIM turned off", async () => {
        const p = makeProvider();
        const s = (await modelUp(p, undefined, args(), async () => {})).state;
        standIn.addConnection("con_noScimAnymore01", { scim: false });
        const scimOff = { ...s.outputs, connectionId: "con_noScimAnymore01" };
        expect(await p.read!(`con_noScimAnymore01/${s.outputs.tokenId}`, scimOff)).toEqual({ id: "" });
        expect(logs.at(-1)).toContain("Auth0 answers 404 for the tokens of connection con_noScimAnymore01");
        const gone = { ...s.outputs, connectionId: "con_deletedInDash01" };
        expect(await p.read!(`con_deletedInDash01/${s.outputs.tokenId}`, gone)).toEqual({ id: "" });
        expect(
            apiCalls()
                .filter((r) => r.status === 404)
                .map((r) => r.path),
        ).toEqual(["/api/v2/connections/con_noScimAnymore01/scim-configuration/tokens", "/api/v2/connections/con_deletedInDash01/scim-configuration/tokens"]);
    });

    it("still fails a refresh on other errors listing the tokens", async () => {
        const p = makeProvider();
        const s = (await modelUp(p, undefined, args(), async () => {})).state;
        standIn.inject({ path: /\/scim-configuration\/tokens$/, method: "GET", status: 403 });
        const e = await failure(() => p.read!(s.id, s.outputs));
        expect(e.message).toContain(`list SCIM tokens of connection ${CONN} failed (HTTP 403`);
    });

    it("rejects an id in neither form", async () => {
        const p = makeProvider();
        const e = await failure(() => p.read!("tok_only", undefined));
        expect(e.message).toContain("is not of the form connectionId/tokenId");
    });

    it("treats a 404 on delete as already gone", async () => {
        const p = makeProvider();
        const s = (await modelUp(p, undefined, args(), async () => {})).state;
        standIn.dashboardDelete(CONN, s.outputs.tokenId);
        await p.delete!(s.id, s.outputs);
        expect(logs.at(-1)).toContain("was already gone (404)");
    });
});
