// The CLI end to end: stack outputs (through a stand-in `pulumi`), flags + SCIM_TOKEN, the JSON report's
// shape, the human table with progress, exit codes, and the token absent from every byte of output.
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GraphClient } from "../../components/clients/graph";
import { type GraphStandIn, startGraphStandIn } from "../support/graphStandIn";
import { ScimTestServer } from "../../tools/scim-server/server";
import { type CliIo, main } from "../../tools/verify/cli";
import { type Exec, execPulumi, readStackConnections } from "../../tools/verify/target";
import { TOKEN } from "./helpers";
import { ROOT, spawnTool } from "./processes";

const SECRET_PART = TOKEN.slice(TOKEN.indexOf(".") + 1);

let scim: ScimTestServer;
let graph: GraphStandIn;
let tmp: string;
beforeAll(async () => {
    scim = await ScimTestServer.start({ token: TOKEN });
    graph = await startGraphStandIn();
    tmp = mkdtempSync(path.join(tmpdir(), "verify-cli-"));
});
afterAll(async () => {
    await scim.close();
    await graph.close();
    rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
    scim.misbehave({});
    scim.reset();
});

interface Captured {
    code: number;
    stdout: string;
    stderr: string;
    /** What a terminal showing both streams would show at the end (in-process runs only). */
    screen?: string[];
}

/** The lines a terminal shows for these writes: \r returns to the line's start, ESC[2K erases the line. */
function terminalScreen(writes: string[]): string[] {
    const lines: string[] = [];
    let line = "";
    let col = 0;
    const text = writes.join("");
    for (let i = 0; i < text.length; i++) {
        if (text.startsWith("\x1b[2K", i)) {
            line = "";
            i += 3;
        } else if (text[i] === "\r") {
            col = 0;
        } else if (text[i] === "\n") {
            lines.push(line);
            line = "";
            col = 0;
        } else {
            line = line.slice(0, col) + text[i] + line.slice(col + 1);
            col++;
        }
    }
    if (line) lines.push(line);
    return lines;
}

async function cli(argv: string[], o: { env?: NodeJS.ProcessEnv; exec?: Exec; graph?: GraphClient; tty?: boolean } = {}): Promise<Captured> {
    const out: string[] = [];
    const err: string[] = [];
    const terminal: string[] = [];
    const io: CliIo = {
        stdout: (t) => {
            out.push(t);
            terminal.push(`${t}\n`);
        },
        stderr: (t) => {
            err.push(t);
            terminal.push(`${t}\n`);
        },
        ...(o.tty ? { isTTY: true, columns: 100, stderrRaw: (t: string) => terminal.push(t) } : {}),
        env: o.env ?? {},
        exec: o.exec,
        graph: o.graph,
    };
    // At Auth0's cap rather than the default pace: the same pacing code, half the wall time.
    const paced =
        argv.includes("--rate") || argv.includes("--help") || !argv.some((a) => a === "--stack" || a === "--scim-url") ? argv : [...argv, "--rate", "25"];
    const code = await main(paced, io);
    return { code, stdout: out.join("\n"), stderr: err.join("\n"), screen: terminalScreen(terminal) };
}

function expectNoToken(c: Captured, token = TOKEN): void {
    const secret = token.slice(token.indexOf(".") + 1);
    for (const text of [c.stdout, c.stderr]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(secret);
    }
}

function stackOutputs(connections: Record<string, Record<string, unknown>>): Exec {
    return async (file, args) => {
        expect(file).toBe("pulumi");
        expect(args).toEqual(["stack", "output", "--json", "--show-secrets", "--stack", "dev"]);
        return { stdout: JSON.stringify({ connections }), stderr: "" };
    };
}

const connectionOutput = (overrides: Record<string, unknown> = {}) => ({
    connectionId: "con_verifyTest0001",
    scimEndpointUrl: scim.url,
    entraTenantUrl: `${scim.url}?aadOptscim062020`,
    scimToken: TOKEN,
    scimTokenScopes: ["get:users", "post:users", "patch:users", "delete:users"],
    samlEntityId: "urn:auth0:acme:acme-entra",
    samlReplyUrl: "https://acme.example/login/callback?connection=acme-entra",
    ...overrides,
});

const graphClient = () => new GraphClient({ baseUrl: graph.url, token: graph.token, maxRetries: 0, sleep: async () => undefined });

describe("--stack", () => {
    it("reads the connections output, checks both sides, prints a stable JSON report without the token", async () => {
        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active" });
        const c = await cli(["--stack", "dev", "--json", "--allow-insecure-loopback"], {
            exec: stackOutputs({
                "acme-entra": connectionOutput({
                    entraServicePrincipalId: sp.id,
                    synchronizationJobId: job,
                    entraApplicationClientId: sp.appId,
                    entraTenantId: "t-1",
                }),
            }),
            graph: graphClient(),
        });
        const report = JSON.parse(c.stdout);
        expect(Object.keys(report)).toEqual(["reportVersion", "tool", "startedAt", "durationMs", "connections", "summary", "exitCode"]);
        expect(report.reportVersion).toBe(1);
        const conn = report.connections[0];
        expect(Object.keys(conn)).toEqual(["target", "checks", "cleanup", "requests", "durationMs"]);
        expect(conn.target).toMatchObject({
            source: "stack",
            stack: "dev",
            connection: "acme-entra",
            dialect: "aadOptscim062020",
            entraServicePrincipalId: sp.id,
            synchronizationJobId: job,
            entraTenantId: "t-1",
        });
        for (const check of conn.checks) expect(Object.keys(check)).toEqual(expect.arrayContaining(["id", "group", "title", "status", "reason"]));
        expect(conn.checks.find((k: { id: string }) => k.id === "entra.validate-credentials").status).toBe("pass");
        // The default schema provisions groups while the token has none of the group scopes: caught, exit 1.
        expect(conn.checks.find((k: { id: string }) => k.id === "entra.group-mapping").status).toBe("fail");
        expect(report.summary.ok).toBe(false);
        expect(c.code).toBe(1);
        expect(report.exitCode).toBe(1);
        expect(c.stderr).toBe("");
        expectNoToken(c);
    });

    it("exit 0 when every non-skipped check passed; human table on stdout, progress on stderr", async () => {
        const c = await cli(["--stack", "dev", "--allow-insecure-loopback"], { exec: stackOutputs({ "acme-entra": connectionOutput() }) });
        expect(c.code).toBe(0);
        expect(c.stdout).toMatch(/connection acme-entra \(stack dev\)/);
        expect(c.stdout).toMatch(/STATUS\s+CHECK\s+RESULT/);
        expect(c.stdout).toMatch(/PASS\s+users\.disable/);
        expect(c.stdout).toMatch(/SKIP\s+entra\.validate-credentials\s+the stack does not manage an Entra app/);
        expect(c.stdout).toMatch(/^OK: \d+ passed, 0 failed, \d+ skipped\.$/m);
        // Not a terminal (a CI log, where both streams land together): a start and a done line, no check twice.
        expect(c.stderr.split("\n")).toEqual([
            "Verifying connection acme-entra (aadOptscim062020 dialect)...",
            expect.stringMatching(/^ {2}done: \d+ passed, 0 failed, \d+ skipped \(\d+\.\d s\)$/),
        ]);
        expectNoToken(c);
    });

    it("on a terminal, progress is one status line erased before the table: no check shows twice", async () => {
        const c = await cli(["--stack", "dev", "--allow-insecure-loopback"], { exec: stackOutputs({ "acme-entra": connectionOutput() }), tty: true });
        expect(c.code).toBe(0);
        for (const id of ["endpoint.reachable", "users.create", "users.disable", "cleanup.leftovers"]) {
            expect(c.screen?.filter((l) => l.includes(id))).toHaveLength(1);
        }
        expect(c.screen?.[0]).toMatch(/^connection acme-entra \(stack dev\)/);
        expect(c.screen?.at(-1)).toMatch(/^OK: /);
        expect(c.stderr).toBe("");
    });

    it("the six identical Entra skips show their reason and hint once; --no-entra gives its own reason", async () => {
        const c = await cli(["--stack", "dev", "--allow-insecure-loopback"], { exec: stackOutputs({ "acme-entra": connectionOutput() }) });
        const entraRows = c.stdout.split("\n").filter((l) => /^ {2}SKIP\s+entra\./.test(l));
        expect(entraRows).toHaveLength(6);
        expect(entraRows.slice(1).every((l) => l.endsWith("(same as above)"))).toBe(true);
        expect(c.stdout.match(/hint: pass --service-principal-id and --job-id/g)).toHaveLength(1);

        const sp = graph.addServicePrincipal();
        const job = graph.addJob(sp.id, { statusCode: "Active" });
        const managed = { "acme-entra": connectionOutput({ entraServicePrincipalId: sp.id, synchronizationJobId: job }) };
        graph.reset();
        const off = await cli(["--stack", "dev", "--no-entra", "--json", "--allow-insecure-loopback"], { exec: stackOutputs(managed), graph: graphClient() });
        const entra = JSON.parse(off.stdout).connections[0].checks.filter((k: { group: string }) => k.group === "entra");
        expect(entra.map((k: { status: string; reason: string }) => [k.status, k.reason])).toEqual(Array(6).fill(["skip", "not run: --no-entra"]));
        expect(graph.requests).toEqual([]);
    });

    it("checks every connection, or only the one named", async () => {
        const both = { "a-ok": connectionOutput(), "b-stale-token": connectionOutput({ scimToken: "tok_stale.ffffffffffffffffffffffffffffffff" }) };
        const all = await cli(["--stack", "dev", "--json", "--allow-insecure-loopback"], { exec: stackOutputs(both) });
        const report = JSON.parse(all.stdout);
        expect(report.connections.map((x: { target: { connection: string } }) => x.target.connection)).toEqual(["a-ok", "b-stale-token"]);
        expect(report.connections[1].checks.find((k: { id: string }) => k.id === "endpoint.token-accepted").status).toBe("fail");
        expect(all.code).toBe(1);
        expectNoToken(all, "tok_stale.ffffffffffffffffffffffffffffffff");
        const one = await cli(["--stack", "dev", "--connection", "a-ok", "--json", "--allow-insecure-loopback"], { exec: stackOutputs(both) });
        expect(JSON.parse(one.stdout).connections).toHaveLength(1);
        expect(one.code).toBe(0);
    });

    it("skips self-service connections (the customer's admin holds their token) and says so, instead of failing the whole stack", async () => {
        const selfService = {
            connectionId: "con_selfService0001",
            scimEndpointUrl: scim.url,
            entraTenantUrl: `${scim.url}?aadOptscim062020`,
            samlEntityId: "urn:auth0:acme:customer-b",
            samlReplyUrl: "https://acme.example/login/callback?connection=customer-b",
            selfService: { ticket: {} },
        };
        const mixed = await cli(["--stack", "dev", "--json", "--allow-insecure-loopback"], {
            exec: stackOutputs({ "a-ok": connectionOutput(), "customer-b": selfService }),
        });
        expect(JSON.parse(mixed.stdout).connections.map((x: { target: { connection: string } }) => x.target.connection)).toEqual(["a-ok"]);
        expect(mixed.stderr).toContain("verify: skipped connection customer-b is a self-service connection");
        expect(mixed.code).toBe(0);
        const named = await cli(["--stack", "dev", "--connection", "customer-b", "--allow-insecure-loopback"], {
            exec: stackOutputs({ "customer-b": selfService }),
        });
        expect(named.code).toBe(2);
        expect(named.stderr).toContain("--scim-url and SCIM_TOKEN");
        const only = await cli(["--stack", "dev", "--allow-insecure-loopback"], { exec: stackOutputs({ "customer-b": selfService }) });
        expect(only.code).toBe(2);
        expect(only.stderr).toContain("has only self-service connections");
    });

    it("a server that echoes the bearer token in its errors: redacted in the table, the progress and the JSON", async () => {
        const echo = await ScimTestServer.start({ token: "tok_expected.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" });
        try {
            echo.misbehave({ echoAuthorization: true });
            const outputs = { x: connectionOutput({ scimEndpointUrl: echo.url, entraTenantUrl: `${echo.url}?aadOptscim062020` }) };
            const human = await cli(["--stack", "dev", "--allow-insecure-loopback"], { exec: stackOutputs(outputs) });
            expect(human.stdout).toContain("[REDACTED]");
            expectNoToken(human);
            const json = await cli(["--stack", "dev", "--json", "--allow-insecure-loopback"], { exec: stackOutputs(outputs) });
            expect(json.stdout).toContain("Invalid bearer token (got Bearer [REDACTED])");
            expectNoToken(json);
            expect(json.code).toBe(1);
        } finally {
            await echo.close();
        }
    });

    it("a 403 that echoes the token mid-conversation is redacted too", async () => {
        const strict = await ScimTestServer.start({ token: TOKEN, scopes: ["get:users", "post:users", "delete:users"] });
        try {
            strict.misbehave({ echoAuthorization: true });
            const outputs = { x: connectionOutput({ scimEndpointUrl: strict.url, entraTenantUrl: `${strict.url}?aadOptscim062020` }) };
            const c = await cli(["--stack", "dev", "--json", "--allow-insecure-loopback"], { exec: stackOutputs(outputs) });
            expect(c.stdout).toMatch(/Insufficient scope, expected: patch:users for Bearer \[REDACTED\]/);
            expectNoToken(c);
        } finally {
            await strict.close();
        }
    });
});

describe("flags and SCIM_TOKEN", () => {
    it("runs the same checks without the stack; the tenant URL's flag selects the dialect", async () => {
        const c = await cli(["--scim-url", scim.url, "--scopes", "get:users,post:users,patch:users,delete:users", "--json", "--allow-insecure-loopback"], {
            env: { SCIM_TOKEN: TOKEN },
        });
        const report = JSON.parse(c.stdout);
        expect(report.connections[0].target).toMatchObject({
            source: "flags",
            dialect: "scim2017",
            tokenScopes: ["get:users", "post:users", "patch:users", "delete:users"],
        });
        // The 2017 dialect works against this server, but Entra should not be given a URL without the flag.
        expect(report.connections[0].checks.filter((k: { status: string }) => k.status === "fail").map((k: { id: string }) => k.id)).toEqual([
            "endpoint.dialect",
        ]);
        expect(c.code).toBe(1);
        expectNoToken(c);
        const allowed = await cli(["--scim-url", scim.url, "--allow-scim2017", "--json", "--allow-insecure-loopback"], { env: { SCIM_TOKEN: TOKEN } });
        expect(allowed.code).toBe(0);
        const flagged = await cli(["--scim-url", `${scim.url}?aadOptscim062020`, "--json", "--allow-insecure-loopback"], { env: { SCIM_TOKEN: TOKEN } });
        expect(JSON.parse(flagged.stdout).connections[0].target).toMatchObject({ dialect: "aadOptscim062020", tokenScopes: null, scimEndpointUrl: scim.url });
    });

    it("a token that is part of a check id: the id stays whole in the table and the JSON, the token in free text is redacted", async () => {
        const unlucky = "reachable";
        const strict = await ScimTestServer.start({ token: unlucky, scopes: ["get:users", "post:users", "delete:users"] });
        try {
            strict.misbehave({ echoAuthorization: true });
            const argv = ["--scim-url", `${strict.url}?aadOptscim062020`, "--allow-insecure-loopback", "--no-entra"];
            const human = await cli(argv, { env: { SCIM_TOKEN: unlucky } });
            expect(human.stdout).toMatch(/PASS\s+endpoint\.reachable\s+answered HTTP 200/);
            expect(human.stdout).toMatch(/for Bearer\s+\[REDACTED\]/);
            expect(human.stdout).not.toMatch(/Bearer\s+reachable/);
            const json = await cli([...argv, "--json"], { env: { SCIM_TOKEN: unlucky } });
            const checks = JSON.parse(json.stdout).connections[0].checks as Array<{ id: string; reason: string }>;
            expect(checks.map((k) => k.id)).toContain("endpoint.reachable");
            expect(checks.find((k) => k.id === "users.disable")?.reason).toContain("for Bearer [REDACTED]");
            expect(json.stdout).not.toMatch(/Bearer\s+reachable/);
        } finally {
            await strict.close();
        }
    });

    it("refuses plain HTTP unless explicitly allowed for loopback, and sends nothing", async () => {
        const c = await cli(["--scim-url", scim.url, "--json"], { env: { SCIM_TOKEN: TOKEN } });
        expect(c.code).toBe(1);
        const checks = JSON.parse(c.stdout).connections[0].checks;
        expect(checks.find((k: { id: string }) => k.id === "endpoint.https")).toMatchObject({
            status: "fail",
            hint: expect.stringContaining("--allow-insecure-loopback"),
        });
        expect(scim.requests).toEqual([]);
    });
});

describe("--json for pipelines", () => {
    it("--output FILE writes the report there: stdout stays empty, stderr names the file and the verdict", async () => {
        const file = path.join(tmp, "report.json");
        const c = await cli(["--scim-url", `${scim.url}?aadOptscim062020`, "--json", "--output", file, "--allow-insecure-loopback", "--no-entra"], {
            env: { SCIM_TOKEN: TOKEN },
        });
        expect(c.code).toBe(0);
        expect(c.stdout).toBe("");
        expect(c.stderr).toContain(`verify: report written to ${file} (OK: `);
        const report = JSON.parse(readFileSync(file, "utf8"));
        expect(report).toMatchObject({ reportVersion: 1, exitCode: 0, summary: { ok: true } });
        expect(readFileSync(file, "utf8")).not.toContain(SECRET_PART);
    });

    it("--output into a folder that does not exist is a usage error before any request", async () => {
        const c = await cli(["--scim-url", `${scim.url}?aadOptscim062020`, "--output", path.join(tmp, "no-such-dir", "r.json"), "--allow-insecure-loopback"], {
            env: { SCIM_TOKEN: TOKEN },
        });
        expect(c.code).toBe(2);
        expect(c.stderr).toMatch(/--output .*r\.json: the folder .*no-such-dir does not exist or cannot be written/);
        expect(scim.requests).toEqual([]);
    });

    it("the documented `npm run -s verify -- ... --json` prints JSON a pipe can parse, nothing else", async () => {
        const stdout = await new Promise<string>((resolve, reject) => {
            const child = spawn(
                "npm",
                ["run", "-s", "verify", "--", "--scim-url", `${scim.url}?aadOptscim062020`, "--json", "--allow-insecure-loopback", "--no-entra"],
                { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, SCIM_TOKEN: TOKEN } },
            );
            let out = "";
            child.stdout.on("data", (d: Buffer) => {
                out += d.toString();
            });
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(new Error("npm run -s verify did not finish in 40 s"));
            }, 40_000);
            child.on("close", () => {
                clearTimeout(timer);
                resolve(out);
            });
        });
        expect(JSON.parse(stdout)).toMatchObject({ reportVersion: 1, exitCode: 0 });
        expect(stdout).not.toContain(SECRET_PART);
    }, 60_000);
});

describe("usage errors exit 2 and never print the token", () => {
    // Loopback (port 9, discard): a regression past validation could only reach this machine, never the internet.
    const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
        ["no target", [], {}, /either --stack NAME or --scim-url URL/],
        ["both targets", ["--stack", "dev", "--scim-url", "https://127.0.0.1:9/scim"], { SCIM_TOKEN: TOKEN }, /either --stack NAME or --scim-url URL/],
        ["no SCIM_TOKEN", ["--scim-url", "https://127.0.0.1:9/scim"], {}, /SCIM_TOKEN is not set/],
        ["rate above Auth0's limit", ["--scim-url", "https://127.0.0.1:9/scim", "--rate", "30"], { SCIM_TOKEN: TOKEN }, /--rate must be at most 25/],
        ["unknown option", ["--scim-url", "https://127.0.0.1:9/scim", "--token", TOKEN], { SCIM_TOKEN: TOKEN }, /Unknown option '--token'/],
        ["half the Entra ids", ["--scim-url", "https://127.0.0.1:9/scim", "--job-id", "scim.1.2"], { SCIM_TOKEN: TOKEN }, /go together/],
    ];
    for (const [name, argv, env, message] of cases) {
        it(name, async () => {
            const c = await cli(argv, { env });
            expect(c.code).toBe(2);
            expect(c.stderr).toMatch(message);
            expectNoToken(c);
        });
    }

    it("an unknown connection names the ones the stack has", async () => {
        const c = await cli(["--stack", "dev", "--connection", "nope", "--json"], { exec: stackOutputs({ a: connectionOutput(), b: connectionOutput() }) });
        expect(c.code).toBe(2);
        expect(JSON.parse(c.stdout)).toMatchObject({ reportVersion: 1, error: 'stack dev has no connection "nope"; it has: a, b', exitCode: 2 });
    });
});

describe("reading outputs with the Pulumi CLI", () => {
    function fakePulumi(script: string): string {
        const file = path.join(tmp, `pulumi-${Math.random().toString(36).slice(2)}`);
        writeFileSync(file, `#!/bin/sh\n${script}\n`);
        chmodSync(file, 0o755);
        return file;
    }

    it("runs `pulumi stack output --json --show-secrets --stack NAME` and reads `connections`", async () => {
        const bin = fakePulumi(`[ "$*" = "stack output --json --show-secrets --stack dev" ] || exit 9\necho '{"connections":{"acme":{"scimToken":"t"}}}'`);
        expect(await readStackConnections("dev", execPulumi, bin)).toEqual({ acme: { scimToken: "t" } });
    });

    it("reports the CLI's error, a missing CLI, and outputs without connections, without echoing stdout", async () => {
        const failing = fakePulumi(`echo "error: no stack named 'dev' found" >&2\nexit 255`);
        await expect(readStackConnections("dev", execPulumi, failing)).rejects.toThrow(
            /pulumi stack output --stack dev failed: error: no stack named 'dev' found/,
        );
        await expect(readStackConnections("dev", execPulumi, path.join(tmp, "missing"))).rejects.toThrow(/was not found/);
        const noConnections = fakePulumi(`echo '{"other":"${TOKEN}"}'`);
        const err = await readStackConnections("dev", execPulumi, noConnections).catch((e: Error) => e);
        expect(String(err)).toMatch(/no "connections" output/);
        expect(String(err)).not.toContain(SECRET_PART);
        const notJson = fakePulumi(`echo 'secret ${TOKEN} not json'`);
        const err2 = await readStackConnections("dev", execPulumi, notJson).then(
            () => new Error("resolved"),
            (e: Error) => e,
        );
        expect(err2.message).toMatch(/did not print JSON/);
        expect(err2.message).not.toContain(SECRET_PART);
    });
});

describe("the npm script's entry point", () => {
    async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Captured> {
        const p = spawnTool("tools/verify/cli.ts", args, env);
        const code = await p.exit;
        return { code: code ?? -1, ...p.out };
    }

    it("sets the process exit code from the report and prints JSON only", async () => {
        const ok = await run(
            [
                "--scim-url",
                `${scim.url}?aadOptscim062020`,
                "--scopes",
                "get:users post:users patch:users delete:users",
                "--json",
                "--allow-insecure-loopback",
                "--no-entra",
            ],
            { SCIM_TOKEN: TOKEN },
        );
        expect(ok.code).toBe(0);
        expect(JSON.parse(ok.stdout).summary.ok).toBe(true);
        expectNoToken(ok);
        scim.misbehave({ leakOnDelete: true });
        const bad = await run(["--scim-url", scim.url, "--allow-insecure-loopback", "--no-entra"], { SCIM_TOKEN: TOKEN });
        expect(bad.code).toBe(1);
        expect(bad.stdout).toMatch(/Leftovers named auth0-entra-scim-verify-\*: User auth0-entra-scim-verify-/);
        expectNoToken(bad);
    }, 60_000);
});
