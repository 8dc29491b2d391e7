// Ctrl-C: one stops the checks, cleanup runs, the run exits 130 saying "interrupted"; a second one quits at
// once and names what was left. The logic with injected I/O, then the real CLI process and real SIGINTs.
import { describe, expect, it } from "vitest";
import type { ScimTestServer } from "../../tools/scim-server/server";
import { TEST_PREFIX, emptyCreated } from "../../tools/verify/checks/common";
import { type CliIo, main } from "../../tools/verify/cli";
import { INTERRUPTED_EXIT_CODE, Interrupt } from "../../tools/verify/interrupt";
import { TOKEN, useScimServer } from "./helpers";
import { spawnTool, until } from "./processes";

const scim = useScimServer({ token: TOKEN, seedUsers: 1 });
const testUsersLeft = () => scim.server.users().filter((u) => String(u.userName).startsWith(TEST_PREFIX));

describe("Interrupt", () => {
    it("the first Ctrl-C asks for cleanup, the second names what is left and exits 130", () => {
        const err: string[] = [];
        const exits: number[] = [];
        const interrupt = new Interrupt({ stderr: (t) => err.push(t), exit: (c) => exits.push(c) });
        const created = emptyCreated();
        interrupt.track(created);
        created.users.push({ type: "User", id: "samlp|c|u1", name: `${TEST_PREFIX}x@example.com`, gone: false });
        created.groups.push({ type: "Group", id: "g-gone", name: `${TEST_PREFIX}x-group`, gone: true });
        created.unconfirmedGroups.push(`${TEST_PREFIX}y-group`);

        expect(interrupt.interrupted()).toBe(false);
        interrupt.onSignal();
        expect(interrupt.interrupted()).toBe(true);
        expect(exits).toEqual([]);
        expect(err).toEqual([expect.stringMatching(/^Interrupted: stopping the checks and deleting the test objects/)]);

        interrupt.onSignal();
        expect(exits).toEqual([INTERRUPTED_EXIT_CODE]);
        expect(err[1]).toContain(`User ${TEST_PREFIX}x@example.com (samlp|c|u1)`);
        expect(err[1]).toContain(`Group ${TEST_PREFIX}y-group (id unknown: its POST got no answer)`);
        expect(err[1]).not.toContain("g-gone");
        expect(err[1]).toContain("--delete-leftovers");
    });

    it("a second Ctrl-C with nothing left says so", () => {
        const err: string[] = [];
        const interrupt = new Interrupt({ stderr: (t) => err.push(t), exit: () => undefined });
        interrupt.track(emptyCreated());
        interrupt.onSignal();
        interrupt.onSignal();
        expect(err[1]).toBe("Quit. This run left no test user or group behind.");
    });
});

describe("main, interrupted during cleanup", () => {
    it("exits 130 with INTERRUPTED, never 0 and OK, though every check reached had passed", async () => {
        const out: string[] = [];
        const argv = ["--scim-url", `${scim.server.url}?aadOptscim062020`, "--allow-insecure-loopback", "--no-entra", "--rate", "25"];
        // Ctrl-C arrives once the conversation has sent its DELETE: nothing after it checks for interruption today.
        const io: CliIo = {
            stdout: (t) => out.push(t),
            stderr: () => undefined,
            env: { SCIM_TOKEN: TOKEN },
            interrupted: () => scim.server.requests.some((q) => q.method === "DELETE"),
        };
        const code = await main(argv, io);
        expect(code).toBe(130);
        expect(out.join("\n")).toMatch(/^INTERRUPTED \(cleanup ran; checks not reached are skipped\): \d+ passed, 0 failed, \d+ skipped\.$/m);
        expect(out.join("\n")).not.toMatch(/^OK/m);
        expect(testUsersLeft()).toEqual([]);

        const json: string[] = [];
        expect(await main([...argv, "--json"], { ...io, stdout: (t) => json.push(t) })).toBe(130);
        expect(JSON.parse(json.join("\n"))).toMatchObject({ interrupted: true, exitCode: 130, summary: { ok: false } });
    });
});

describe("the real process and real SIGINTs", () => {
    const start = (server: ScimTestServer) =>
        spawnTool("tools/verify/cli.ts", ["--scim-url", `${server.url}?aadOptscim062020`, "--allow-insecure-loopback", "--no-entra"], {
            SCIM_TOKEN: TOKEN,
        });

    it("one Ctrl-C after the test user exists: cleanup deletes it, exit 130, INTERRUPTED on stdout", async () => {
        scim.server.misbehave({ slowMs: 150 });
        const run = start(scim.server);
        await until(() => testUsersLeft().length > 0, "the test user");
        run.child.kill("SIGINT");
        expect(await run.exit).toBe(130);
        expect(run.out.stderr).toContain("Interrupted: stopping the checks and deleting the test objects");
        expect(run.out.stdout).toMatch(/^INTERRUPTED/m);
        expect(run.out.stdout).toMatch(/FAIL\s+users\.interrupted/);
        expect(testUsersLeft()).toEqual([]);
    }, 30_000);

    it("a second Ctrl-C during cleanup quits at once and prints the test user's id", async () => {
        scim.server.misbehave({ slowMs: 1500, slowOn: ["DELETE"] });
        const run = start(scim.server);
        await until(() => testUsersLeft().length > 0, "the test user");
        const [user] = testUsersLeft();
        run.child.kill("SIGINT");
        await until(() => scim.server.requests.some((q) => q.method === "DELETE"), "cleanup's DELETE");
        run.child.kill("SIGINT");
        expect(await run.exit).toBe(130);
        expect(run.out.stderr).toContain(`User ${String(user.userName)} (${user.id})`);
        expect(run.out.stderr).toContain("--delete-leftovers");
        expect(run.out.stdout).toBe("");
    }, 30_000);
});
