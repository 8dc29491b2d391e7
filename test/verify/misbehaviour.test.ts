// Every misbehaviour of the SCIM server is caught and named by the check that should catch it, and the
// run still leaves nothing behind (except where the server itself refuses to delete).
import { describe, expect, it } from "vitest";
import { ScimTestServer } from "../../tools/scim-server/server";
import { CHECK_IDS, verifyConnection } from "../../tools/verify/run";
import { TEST_PREFIX } from "../../tools/verify/checks/common";
import { TOKEN, USER_SCOPES, limits, options, target, useScimServer, virtualClock } from "./helpers";
import { type CheckResult, type ConnectionReport, buildReport, renderTable } from "../../tools/verify/report";
import type { VerifyOptions } from "../../tools/verify/run";

const scim = useScimServer({ token: TOKEN, seedUsers: 3 });

const check = (r: ConnectionReport, id: string): CheckResult => {
    const c = r.checks.find((k) => k.id === id);
    if (!c) throw new Error(`no check ${id} in ${r.checks.map((k) => k.id).join(", ")}`);
    return c;
};
const failed = (r: ConnectionReport) =>
    r.checks
        .filter((c) => c.status === "fail")
        .map((c) => c.id)
        .sort();
const testUsersLeft = () => scim.server.users().filter((u) => String(u.userName).startsWith(TEST_PREFIX));
const run = (o: Partial<VerifyOptions> = {}, t = target(scim.server.url)) => verifyConnection(t, TOKEN, options({ clock: virtualClock().clock, ...o }));

describe("token", () => {
    it("a server that accepts any token fails the wrong-token check and nothing else", async () => {
        scim.server.misbehave({ acceptAnyToken: true });
        const r = await run();
        expect(failed(r)).toEqual(["endpoint.wrong-token-refused"]);
        expect(check(r, "endpoint.wrong-token-refused").reason).toMatch(/made-up token was accepted \(HTTP 200\)/);
        expect(testUsersLeft()).toEqual([]);
    });

    it("a token the server does not know: token refused, nothing created, conversation skipped", async () => {
        const r = await verifyConnection(target(scim.server.url), "tok_other.0123456789abcdef0123456789abcdef", options({ clock: virtualClock().clock }));
        expect(check(r, "endpoint.token-accepted")).toMatchObject({ status: "fail", reason: expect.stringMatching(/refused: HTTP 401/) });
        expect(check(r, "endpoint.wrong-token-refused").status).toBe("pass");
        expect(check(r, "users.create").status).toBe("skip");
        expect(check(r, "cleanup.leftovers").status).toBe("skip");
        expect(scim.server.requests.filter((q) => q.method !== "GET")).toEqual([]);
        // The same ids, in the same order, as a full pass: pipelines can key on them.
        expect(r.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    });
});

describe("filters", () => {
    it("a server that ignores filters is named by the absent-user lookup and the userName lookup", async () => {
        scim.server.misbehave({ ignoreFilters: true });
        const r = await run();
        expect(check(r, "users.absent-lookup")).toMatchObject({ status: "fail", reason: expect.stringContaining("ignores the filter") });
        expect(check(r, "users.lookup-by-username").reason).toContain("ignores the filter");
        // Leftover listing re-filters by prefix: the seeded employees are not mistaken for leftovers.
        expect(check(r, "cleanup.leftovers").status).toBe("pass");
        expect(scim.server.users()).toHaveLength(3);
        expect(testUsersLeft()).toEqual([]);
    });

    it("ignored filters show even on an empty connection (the lookup after creation finds the test user)", async () => {
        const empty = await ScimTestServer.start({ token: TOKEN, seedUsers: 0 });
        try {
            empty.misbehave({ ignoreFilters: true });
            const r = await verifyConnection(target(empty.url), TOKEN, options({ clock: virtualClock().clock }));
            expect(check(r, "users.absent-lookup")).toMatchObject({ status: "fail", reason: expect.stringContaining("ignores the filter") });
            expect(empty.users()).toEqual([]);
        } finally {
            await empty.close();
        }
    });
});

describe("PATCH", () => {
    it("a server that fails PATCH with 500 fails every update and disable, and cleanup still deletes", async () => {
        scim.server.misbehave({ patchFails500: true });
        const r = await run();
        for (const id of ["users.patch-work-email", "users.patch-name", "users.disable", "groups.add-member", "groups.remove-member"]) {
            expect(check(r, id)).toMatchObject({ status: "fail", reason: expect.stringContaining("HTTP 500") });
        }
        expect(check(r, "users.disable").hint).toMatch(/quarantine/);
        expect(check(r, "users.delete").status).toBe("pass");
        expect(check(r, "cleanup.this-run").status).toBe("pass");
        expect(testUsersLeft()).toEqual([]);
        expect(scim.server.groups()).toEqual([]);
    });

    it("a server that rejects lowercase ops fails the compliant dialect and names the cause", async () => {
        scim.server.misbehave({ rejectLowercaseOps: true });
        const r = await run();
        expect(check(r, "users.disable").reason).toMatch(/rejects lowercase ops \("replace"\).*"Replace" succeeded/);
        expect(check(r, "groups.remove-member").reason).toMatch(/rejects lowercase ops \("remove"\)/);
        expect(check(r, "users.create").status).toBe("pass");
        expect(testUsersLeft()).toEqual([]);
    });

    it("the same server passes the 2017 dialect, which Entra sends without the flag (when that is intended)", async () => {
        scim.server.misbehave({ rejectLowercaseOps: true });
        const r = await run({ allowScim2017: true }, target(scim.server.url, { flag: false }));
        expect(failed(r)).toEqual([]);
    });

    it("a server that rejects string booleans fails the 2017 disable and says to add the flag", async () => {
        scim.server.misbehave({ rejectStringBooleans: true });
        const r = await run({}, target(scim.server.url, { flag: false }));
        expect(failed(r)).toEqual(["endpoint.dialect", "users.disable"]);
        expect(check(r, "users.disable").reason).toContain('rejects the string "False"');
        expect(check(r, "users.disable").hint).toContain("?aadOptscim062020");
    });
});

describe("DELETE", () => {
    it("a server that leaks the test user on DELETE is caught, and the leftover is listed by prefix", async () => {
        scim.server.misbehave({ leakOnDelete: true });
        const r = await run();
        expect(check(r, "users.gone")).toMatchObject({ status: "fail", reason: expect.stringMatching(/DELETE answered HTTP 204 but the user is still there/) });
        expect(check(r, "groups.gone").status).toBe("fail");
        expect(check(r, "cleanup.this-run").status).toBe("fail");
        expect(check(r, "cleanup.leftovers").status).toBe("fail");
        const leaked = testUsersLeft().map((u) => u.id);
        expect(leaked).toHaveLength(1);
        expect(r.cleanup.leftovers.map((o) => o.id)).toEqual(expect.arrayContaining([...leaked, ...scim.server.groups().map((g) => g.id)]));
        expect(r.cleanup.leftovers.every((o) => o.name.startsWith(TEST_PREFIX))).toBe(true);
    });
});

describe("slow server", () => {
    it("times out on every request with a short timeout, and says so", async () => {
        scim.server.misbehave({ slowMs: 400 });
        const r = await run({ limits: limits({ timeoutMs: 60 }) });
        expect(check(r, "endpoint.reachable")).toMatchObject({ status: "fail", reason: expect.stringContaining("no answer within 60 ms") });
        expect(check(r, "endpoint.reachable").hint).toMatch(/did not answer in time/);
        expect(check(r, "users.create").status).toBe("skip");
        expect(scim.server.requests.filter((q) => q.method === "POST")).toEqual([]);
    });

    it("POSTs that time out after the server created the objects: cleanup finds them by name and deletes them", async () => {
        scim.server.misbehave({ slowMs: 400, slowOn: ["POST"] });
        const r = await run({ limits: limits({ timeoutMs: 100 }) });
        expect(check(r, "users.create")).toMatchObject({ status: "fail", reason: expect.stringContaining("no answer within 100 ms") });
        expect(check(r, "groups.create")).toMatchObject({ status: "fail", reason: expect.stringContaining("no answer within 100 ms") });
        expect(check(r, "cleanup.this-run")).toMatchObject({ status: "pass", reason: expect.stringMatching(/2 object\(s\) created and confirmed gone/) });
        expect(r.cleanup.deleted.map((o) => o.type).sort()).toEqual(["Group", "User"]);
        expect(testUsersLeft()).toEqual([]);
        expect(scim.server.groups()).toEqual([]);
    });
});

describe("content type and scopes", () => {
    it("a server answering application/json fails the content-type check", async () => {
        scim.server.misbehave({ plainJsonContentType: true });
        const r = await run();
        expect(failed(r)).toEqual(["endpoint.content-type"]);
    });

    it("a token declared without patch:users: disables will fail", async () => {
        const r = await run({}, target(scim.server.url, { scopes: ["get:users", "post:users", "delete:users"] }));
        expect(check(r, "scopes.users")).toMatchObject({
            status: "fail",
            reason: expect.stringContaining("without patch:users, updates fail, and so do disables"),
        });
    });

    it("a token that really lacks patch:users: the endpoint's 403s are named, even when the stack says otherwise", async () => {
        const strict = await ScimTestServer.start({ token: TOKEN, scopes: ["get:users", "post:users", "delete:users"] });
        try {
            const r = await verifyConnection(target(strict.url, { scopes: USER_SCOPES }), TOKEN, options({ clock: virtualClock().clock }));
            expect(check(r, "users.disable")).toMatchObject({ status: "fail", reason: expect.stringContaining("HTTP 403") });
            expect(check(r, "users.disable").hint).toContain("lacks patch:users");
            expect(check(r, "scopes.users").reason).toMatch(/refused patch:users although the token is declared with it/);
            expect(check(r, "cleanup.this-run").status).toBe("pass");
            expect(strict.users().filter((u) => String(u.userName).startsWith(TEST_PREFIX))).toEqual([]);
        } finally {
            await strict.close();
        }
    });
});

describe("bounds", () => {
    it("429 answers are retried after Retry-After, a bounded number of times", async () => {
        scim.server.misbehave({ throttleFirst: 2 });
        const passed = await run();
        expect(failed(passed)).toEqual([]);
        expect(passed.requests.log.slice(0, 3).map((e) => e.status)).toEqual([429, 429, 200]);
        scim.server.misbehave({ throttleFirst: 3 });
        const gaveUp = await run();
        expect(check(gaveUp, "endpoint.token-accepted")).toMatchObject({ status: "fail", reason: expect.stringContaining("HTTP 429") });
        expect(gaveUp.requests.log.slice(0, 3).map((e) => e.status)).toEqual([429, 429, 429]);
    });

    it("sustained 429s are reported as rate limiting with the Retry-After seen, never as a refused token", async () => {
        scim.server.misbehave({ throttleFirst: 1000, retryAfterSeconds: 0 });
        const r = await run();
        expect(check(r, "endpoint.token-accepted")).toMatchObject({
            status: "fail",
            reason: "not judged, HTTP 429 rate limited: 3 answer(s) HTTP 429 in a row, Retry-After 0; waited 0.0 s between attempts",
            hint: expect.stringContaining("says nothing about the token"),
        });
        expect(check(r, "endpoint.wrong-token-refused")).toMatchObject({ status: "skip", reason: expect.stringContaining("rate limited") });
        expect(check(r, "cleanup.leftovers").reason).toBe("the endpoint is rate limiting (HTTP 429): nothing was created, nothing listed");
        for (const c of r.checks) expect(`${c.reason} ${c.hint ?? ""}`).not.toMatch(/did not accept the token|revoked|refused: HTTP/);
        expect(scim.server.requests.filter((q) => q.method !== "GET")).toEqual([]);
    });

    it("a Retry-After longer than the run waits is named, and not waited for", async () => {
        scim.server.misbehave({ throttleFirst: 1000, retryAfterSeconds: 30 });
        const v = virtualClock();
        const r = await verifyConnection(target(scim.server.url), TOKEN, options({ clock: v.clock, limits: limits({ maxRetryAfterMs: 5_000 }) }));
        expect(check(r, "endpoint.token-accepted").reason).toBe(
            "not judged, HTTP 429 rate limited: 1 answer(s) HTTP 429 in a row, Retry-After 30 (longer than the 5 s this run waits)",
        );
        expect(v.sleeps.filter((ms) => ms >= 1000)).toEqual([]);
    });

    it("a spent request budget stops the checks, and cleanup's reserve still deletes the test user", async () => {
        const r = await run({ limits: limits({ maxRequests: 6 }) });
        expect(r.checks.some((c) => c.status === "fail" && /budget of 6 requests/.test(c.reason))).toBe(true);
        expect(r.requests.scim).toBeLessThanOrEqual(r.requests.scimLimit);
        expect(check(r, "cleanup.this-run").status).toBe("pass");
        expect(testUsersLeft()).toEqual([]);
    });

    it("a passed deadline stops the checks, and cleanup's grace still deletes", async () => {
        const v = virtualClock();
        const r = await verifyConnection(
            target(scim.server.url),
            TOKEN,
            options({
                clock: v.clock,
                limits: limits({ maxDurationMs: 60_000, cleanupGraceMs: 60_000 }),
                onCheck: (c) => {
                    if (c.id === "users.create") v.advance(61_000);
                },
            }),
        );
        expect(check(r, "users.create").status).toBe("pass");
        expect(check(r, "users.lookup-by-username").reason).toMatch(/time limit of 60 s has passed/);
        expect(check(r, "cleanup.this-run").status).toBe("pass");
        expect(testUsersLeft()).toEqual([]);
    });

    it("an interruption (Ctrl-C) stops the conversation; cleanup still runs", async () => {
        let stop = false;
        const r = await run({
            interrupted: () => stop,
            onCheck: (c) => {
                if (c.id === "users.get-by-id") stop = true;
            },
        });
        expect(check(r, "users.interrupted").status).toBe("fail");
        expect(check(r, "users.disable")).toMatchObject({ status: "skip", reason: expect.stringContaining("interrupted") });
        expect(check(r, "entra.job-enabled").status).toBe("skip");
        expect(check(r, "cleanup.this-run").status).toBe("pass");
        expect(testUsersLeft()).toEqual([]);
    });
});

describe("leftovers", () => {
    it("lists objects an earlier run left behind, and deletes them only when asked", async () => {
        const old = scim.server.addUser({ userName: `${TEST_PREFIX}20250101t000000z-abcdef@example.com` });
        const oldGroup = scim.server.addGroup({ displayName: `${TEST_PREFIX}20250101t000000z-abcdef-group` });
        const listed = await run();
        expect(check(listed, "cleanup.leftovers")).toMatchObject({ status: "fail", reason: expect.stringContaining(old.id) });
        expect(listed.cleanup.leftovers.map((o) => o.id).sort()).toEqual([old.id, oldGroup.id].sort());
        expect(check(listed, "cleanup.leftovers").hint).toContain("--delete-leftovers");
        expect(scim.server.users().some((u) => u.id === old.id)).toBe(true);

        const cleaned = await run({ deleteLeftovers: true });
        expect(check(cleaned, "cleanup.leftovers")).toMatchObject({
            status: "pass",
            reason: expect.stringMatching(/^deleted 2 left by earlier runs \(--delete-leftovers\): .+; listed users and groups named .+: none left$/),
        });
        expect(check(cleaned, "cleanup.leftovers").reason).toContain(`User ${old.userName} (${old.id})`);
        expect(cleaned.cleanup.deletedLeftovers?.map((o) => o.id).sort()).toEqual([old.id, oldGroup.id].sort());
        const table = renderTable(buildReport(new Date(), 0, [cleaned]));
        expect(table).toMatch(/^ {2}Deleted 2 test object\(s\) left by earlier runs: /m);
        expect(table).toContain(`Group ${oldGroup.displayName} (${oldGroup.id})`);
        expect(cleaned.cleanup.deleted.map((o) => o.id)).toEqual(expect.arrayContaining([old.id, oldGroup.id]));
        expect(scim.server.users()).toHaveLength(3);
        expect(scim.server.groups()).toEqual([]);
    });

    it("falls back to this run's names when the server refuses 'sw' filters, and says the listing is partial", async () => {
        scim.server.misbehave({ rejectStartsWithFilter: true });
        scim.server.addUser({ userName: `${TEST_PREFIX}20250101t000000z-abcdef@example.com` });
        const r = await run();
        expect(r.cleanup.listing).toBe("partial");
        expect(r.cleanup.note).toMatch(/refused a "sw" filter/);
        expect(check(r, "cleanup.leftovers").status).toBe("pass");
        expect(testUsersLeft()).toHaveLength(1);
    });
});
