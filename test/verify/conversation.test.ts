// The full pass against a real SCIM 2.0 server (scimmy), in both dialects, checked from the server's side:
// what it received is what Entra sends, and nothing the run created is left.
import { describe, expect, it } from "vitest";
import { CHECK_IDS, verifyConnection } from "../../tools/verify/run";
import { TEST_PREFIX } from "../../tools/verify/checks/common";
import { ALL_SCOPES, TOKEN, USER_SCOPES, options, target, useScimServer, virtualClock } from "./helpers";
import type { ConnectionReport } from "../../tools/verify/report";

const scim = useScimServer({ token: TOKEN, seedUsers: 3 });

const status = (r: ConnectionReport, id: string) => r.checks.find((c) => c.id === id)?.status;
const nonEntra = (r: ConnectionReport) => r.checks.filter((c) => c.group !== "entra");
type Op = { op: string; path?: string; value?: unknown };
const patches = (path: RegExp): Op[][] =>
    scim.server.requests.filter((q) => q.method === "PATCH" && path.test(q.path)).map((q) => (q.body as { Operations: Op[] }).Operations);

function expectNothingLeft(): void {
    expect(scim.server.users().filter((u) => String(u.userName).startsWith(TEST_PREFIX))).toEqual([]);
    expect(scim.server.groups()).toEqual([]);
    expect(scim.server.users()).toHaveLength(3);
}

describe("full pass, ?aadOptscim062020 dialect", () => {
    it("passes every SCIM check and sends the compliant dialect", async () => {
        // A clock that moves only when the run waits: the pace shows exactly, however loaded the machine is.
        let now = 0;
        const sleeps: number[] = [];
        const clock = {
            now: () => now,
            sleep: async (ms: number) => {
                sleeps.push(ms);
                now += ms;
            },
        };
        const starts: number[] = [];
        const timedFetch = (input: string, init: RequestInit) => {
            starts.push(clock.now());
            return fetch(input, init);
        };
        const r = await verifyConnection(target(scim.server.url), TOKEN, options({ clock, fetch: timedFetch }));
        expect(nonEntra(r).filter((c) => c.status !== "pass")).toEqual([]);
        expect(r.checks.map((c) => c.id)).toEqual(CHECK_IDS);
        expect(r.checks.map((c) => c.id)).toEqual(
            expect.arrayContaining([
                "endpoint.https",
                "endpoint.dialect",
                "endpoint.content-type",
                "endpoint.token-accepted",
                "endpoint.wrong-token-refused",
                "users.absent-lookup",
                "users.create",
                "users.lookup-by-username",
                "users.get-by-id",
                "users.patch-work-email",
                "users.patch-name",
                "users.disable",
                "users.delete",
                "users.gone",
                "groups.create",
                "groups.add-member",
                "groups.remove-member",
                "groups.delete",
                "groups.gone",
                "scopes.users",
                "scopes.groups",
                "cleanup.this-run",
                "cleanup.leftovers",
            ]),
        );

        const user = patches(/^\/Users\//);
        expect(user.flat().every((o) => o.op === o.op.toLowerCase())).toBe(true);
        expect(user).toContainEqual([{ op: "replace", path: "active", value: false }]);
        expect(user).toContainEqual([{ op: "replace", value: expect.objectContaining({ "name.givenName": "Verified" }) }]);
        expect(user).toContainEqual([{ op: "replace", path: 'emails[type eq "work"].value', value: expect.stringMatching(/\.updated@example\.com$/) }]);
        const group = patches(/^\/Groups\//).flat();
        expect(group).toContainEqual({ op: "add", path: "members", value: [{ value: expect.stringMatching(/^samlp\|/) }] });
        expect(group).toContainEqual({ op: "remove", path: expect.stringMatching(/^members\[value eq "samlp\|.+"\]$/) });

        // Entra's first request: a userName lookup that finds nothing; the Auth0 id's "|" travels encoded.
        expect(scim.server.requests[0]).toMatchObject({ method: "GET", path: "/Users", authorized: true });
        expect(String(scim.server.requests[0].query.filter)).toMatch(/^userName eq "auth0-entra-scim-verify-/);
        expect(scim.server.requests.some((q) => q.path.startsWith("/Users/samlp%7C"))).toBe(true);
        expectNothingLeft();
        expect(r.cleanup.leftovers).toEqual([]);
        expect(r.cleanup.listing).toBe("complete");
        expect(r.cleanup.deleted.map((o) => o.type).sort()).toEqual(["Group", "User"]);

        // Bounded and paced: every request counted, and never more than 25 starts per second.
        expect(r.requests.scim).toBe(scim.server.requests.length);
        expect(r.requests.scim).toBeLessThanOrEqual(r.requests.scimLimit);
        expect(starts).toHaveLength(r.requests.scim);
        const gaps = starts.slice(1).map((t, i) => t - starts[i]);
        expect(new Set(gaps)).toEqual(new Set([40]));
        expect(sleeps).toHaveLength(r.requests.scim - 1);
    });
});

describe("the tenant URL's dialect", () => {
    const dialectCheck = (r: ConnectionReport) => r.checks.find((c) => c.id.includes("dialect"));

    it("a tenant URL without ?aadOptscim062020 fails the dialect check, with the fixed URL in its hint", async () => {
        const r = await verifyConnection(target(scim.server.url, { flag: false }), TOKEN, options({ clock: virtualClock().clock }));
        expect(dialectCheck(r)).toMatchObject({
            id: "endpoint.dialect",
            status: "fail",
            reason: expect.stringContaining(`the tenant URL ${scim.server.url} has no ?aadOptscim062020`),
            hint: expect.stringContaining(`give Entra the tenant URL ${scim.server.url}?aadOptscim062020`),
        });
        expect(dialectCheck(r)?.hint).toContain("--allow-scim2017");
        // The only failure: the 2017 conversation itself works against this server.
        expect(r.checks.filter((c) => c.status === "fail").map((c) => c.id)).toEqual(["endpoint.dialect"]);
    });

    it("Microsoft's roll-back flag fails it too, and says so", async () => {
        const t = { ...target(scim.server.url), entraTenantUrl: `${scim.server.url}?aadOptscim062020&AzureAdScimPatch2017`, dialect: "scim2017" as const };
        const r = await verifyConnection(t, TOKEN, options({ clock: virtualClock().clock }));
        expect(dialectCheck(r)).toMatchObject({ status: "fail", reason: expect.stringContaining("roll-back flag AzureAdScimPatch2017") });
    });

    it("passes with the flag, and without it only when --allow-scim2017 says the 2017 dialect is intended", async () => {
        const flagged = await verifyConnection(target(scim.server.url), TOKEN, options({ clock: virtualClock().clock }));
        expect(dialectCheck(flagged)).toMatchObject({ status: "pass", reason: expect.stringContaining("carries ?aadOptscim062020") });
        const allowed = await verifyConnection(target(scim.server.url, { flag: false }), TOKEN, options({ clock: virtualClock().clock, allowScim2017: true }));
        expect(dialectCheck(allowed)).toMatchObject({ status: "pass", reason: expect.stringContaining("allowed by --allow-scim2017") });
    });

    it("is judged even when nothing can be sent (plain HTTP refused)", async () => {
        const r = await verifyConnection(target(scim.server.url, { flag: false }), TOKEN, options({ allowInsecureLoopback: false }));
        expect(dialectCheck(r)?.status).toBe("fail");
        expect(scim.server.requests).toEqual([]);
    });
});

describe("full pass, 2017 dialect (tenant URL without the flag, --allow-scim2017)", () => {
    it("passes and sends capitalised ops, string booleans and one op per attribute", async () => {
        const r = await verifyConnection(target(scim.server.url, { flag: false }), TOKEN, options({ clock: virtualClock().clock, allowScim2017: true }));
        expect(r.target.dialect).toBe("scim2017");
        expect(nonEntra(r).filter((c) => c.status !== "pass")).toEqual([]);
        const user = patches(/^\/Users\//);
        expect(user.flat().every((o) => /^[A-Z]/.test(o.op))).toBe(true);
        expect(user).toContainEqual([{ op: "Replace", path: "active", value: "False" }]);
        expect(user.find((ops) => ops.length === 3)?.map((o) => o.path)).toEqual(["displayName", "name.givenName", "name.familyName"]);
        expect(patches(/^\/Groups\//).flat()).toContainEqual({ op: "Remove", path: "members", value: [{ value: expect.any(String) }] });
        expectNothingLeft();
    });
});

describe("groups follow the token's scopes", () => {
    it("skips the group conversation when the token has no group scopes", async () => {
        const r = await verifyConnection(target(scim.server.url, { scopes: USER_SCOPES }), TOKEN, options({ clock: virtualClock().clock }));
        expect(r.checks.filter((c) => c.group === "groups").every((c) => c.status === "skip")).toBe(true);
        expect(status(r, "scopes.groups")).toBe("pass");
        expect(scim.server.requests.some((q) => q.path.startsWith("/Groups"))).toBe(false);
        expect(r.checks.filter((c) => c.status === "fail")).toEqual([]);
    });

    it("skips groups when scopes are unknown, unless forced", async () => {
        const unknown = await verifyConnection(target(scim.server.url, { scopes: null }), TOKEN, options({ clock: virtualClock().clock }));
        expect(status(unknown, "groups.create")).toBe("skip");
        expect(status(unknown, "scopes.users")).toBe("pass");
        expect(unknown.checks.find((c) => c.id === "scopes.users")?.reason).toContain("not declared");
        const forced = await verifyConnection(target(scim.server.url, { scopes: null }), TOKEN, options({ clock: virtualClock().clock, forceGroups: true }));
        expect(status(forced, "groups.remove-member")).toBe("pass");
        expect(status(forced, "scopes.groups")).toBe("pass");
        expectNothingLeft();
    });

    it("uses all group scopes when declared", async () => {
        const r = await verifyConnection(target(scim.server.url, { scopes: ALL_SCOPES }), TOKEN, options({ clock: virtualClock().clock }));
        expect(status(r, "groups.gone")).toBe("pass");
    });
});
