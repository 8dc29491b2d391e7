// `npm run scim-server` as a newcomer uses it: start it, paste what it prints into verify, see a pass; start it
// with a misbehaviour, see a failure; Ctrl-C stops it. No credentials, loopback only.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CliIo, main } from "../../tools/verify/cli";
import { ROOT, type ToolProcess, spawnTool, until } from "./processes";

const started: ToolProcess[] = [];
afterEach(() => {
    for (const p of started.splice(0)) if (p.child.exitCode === null) p.child.kill("SIGKILL");
});

interface Printed {
    token: string;
    verifyArgs: string[];
}

/** Starts the tool and reads the lines it prints for pasting: `export SCIM_TOKEN=...` and the verify command. */
async function startServer(args: string[]): Promise<{ tool: ToolProcess; printed: Printed }> {
    const tool = spawnTool("tools/scim-server/cli.ts", args, {});
    started.push(tool);
    await until(() => /npm run verify -- .*\n/.test(tool.out.stdout), `the scim-server banner (stderr: ${tool.out.stderr})`);
    const token = /^ {2}export SCIM_TOKEN=(\S+)$/m.exec(tool.out.stdout)?.[1];
    const command = /^ {2}npm run verify -- (.*)$/m.exec(tool.out.stdout)?.[1];
    if (!token || !command) throw new Error(`unexpected banner:\n${tool.out.stdout}`);
    // The shell's quoting of the pasted command: single-quoted URL, double-quoted scopes.
    const verifyArgs = [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    return { tool, printed: { token, verifyArgs } };
}

async function verify(printed: Printed): Promise<{ code: number; stdout: string }> {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: () => undefined, env: { SCIM_TOKEN: printed.token } };
    const code = await main(printed.verifyArgs, io);
    return { code, stdout: out.join("\n") };
}

describe("npm run scim-server", () => {
    it("is the script package.json names", () => {
        const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        expect(pkg.scripts["scim-server"]).toBe("ts-node --project tsconfig.json tools/scim-server/cli.ts");
    });

    it("prints a loopback URL and a token that make verify pass, and stops on Ctrl-C", async () => {
        const { tool, printed } = await startServer([]);
        expect(tool.out.stdout).toMatch(/^Misbehaviour: none/m);
        const url = printed.verifyArgs[printed.verifyArgs.indexOf("--scim-url") + 1];
        expect(new URL(url).hostname).toBe("127.0.0.1");
        expect(url).toMatch(/\?aadOptscim062020$/);

        const run = await verify(printed);
        expect(run.stdout).toMatch(/^OK: \d+ passed, 0 failed, \d+ skipped\.$/m);
        expect(run.stdout).toMatch(/PASS\s+groups\.remove-member/);
        expect(run.code).toBe(0);

        tool.child.kill("SIGINT");
        expect(await tool.exit).toBe(0);
        expect(tool.out.stderr).toContain("scim-server: stopping");
    }, 40_000);

    it("with a misbehaviour switch, verify fails and names it", async () => {
        const { tool, printed } = await startServer(["--leak-on-delete"]);
        expect(tool.out.stdout).toMatch(/^Misbehaviour: --leak-on-delete$/m);
        const run = await verify(printed);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/FAIL\s+users\.gone\s+DELETE answered HTTP 204 but the user is still there/);
        tool.child.kill("SIGINT");
        expect(await tool.exit).toBe(0);
    }, 40_000);

    it("sustained rate limiting is reported as such, with the Retry-After the server sends", async () => {
        const { tool, printed } = await startServer(["--throttle", "100", "--retry-after", "7"]);
        const run = await verify(printed);
        expect(run.code).toBe(1);
        expect(run.stdout.replace(/\s+/g, " ")).toContain(
            "FAIL endpoint.token-accepted not judged, HTTP 429 rate limited: 1 answer(s) HTTP 429 in a row, Retry-After 7 (longer than the 5 s this run waits)",
        );
        tool.child.kill("SIGINT");
        await tool.exit;
    }, 40_000);

    it("a bad flag is a usage error", async () => {
        const tool = spawnTool("tools/scim-server/cli.ts", ["--throttle", "lots"], {});
        started.push(tool);
        expect(await tool.exit).toBe(2);
        expect(tool.out.stderr).toContain("--throttle must be a whole number, got lots");
    }, 20_000);
});
