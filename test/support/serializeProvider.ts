// What a Pulumi program registers, produced the way `pulumi up` produces it, outside vitest: vitest's module transform
// changes how closures serialize (pulumi/pulumi#10480), so the program runs in a child `node`, in its own directory.
// registerProgramInChild runs a whole program (this stack, a compiled build of it, a consumer's program) against the
// offline plan's simulated providers and returns every registration as the engine would receive it, `__provider`
// texts and additionalSecretOutputs included. test/support/dynamicHost.ts then runs those texts in Pulumi's real host.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

export const PROJECT_ROOT = path.join(__dirname, "..", "..");

export interface ChildOptions {
    /** The child's whole environment besides PATH/HOME/TMPDIR (nothing else leaks in from the test process). */
    env?: Record<string, string>;
    /** Default 60 s. */
    timeoutMs?: number;
}

function runChild(script: string, spec: unknown, o: ChildOptions & { cwd?: string }): Promise<string> {
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        ...o.env,
        SERIALIZE_SPEC: JSON.stringify(spec),
    };
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-e", script],
            { cwd: o.cwd ?? PROJECT_ROOT, env, timeout: o.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err) reject(new Error(`child failed: ${err.message}\n${stderr}`));
                else resolve(stdout);
            },
        );
    });
}

const PROGRAM = `
const path = require("path");
const spec = JSON.parse(process.env.SERIALIZE_SPEC);
if (spec.tsNode) require(require.resolve("ts-node", { paths: [process.cwd()] })).register({ transpileOnly: true, project: path.join(process.cwd(), "tsconfig.json") });
const sim = require(spec.simulation);
(async () => {
    const monitor = await sim.simulate({ config: spec.config, project: spec.project, stack: "dev" });
    require(path.resolve(spec.entry));
    await sim.settle();
    const keep = ["type", "name", "urn", "id", "inputs", "state", "additionalSecretOutputs", "secretPaths", "deleteBeforeReplace"];
    process.stdout.write(JSON.stringify(monitor.recorded.map((r) => Object.fromEntries(keep.map((k) => [k, r[k]])))));
})().catch((e) => { console.error((e && e.stack) || e); process.exit(1); });
`;

/** One registration of a program run, as the engine would receive it (secrets unwrapped in `inputs`). */
export interface ProgramRegistration {
    type: string;
    name: string;
    urn: string;
    id: string;
    /** Inputs as registered, `__provider` included for dynamic resources. */
    inputs: Record<string, unknown>;
    /** What the simulated provider answered. */
    state: Record<string, unknown>;
    additionalSecretOutputs: string[];
    /** Inputs that were sent as secrets. */
    secretPaths: string[];
    deleteBeforeReplace: boolean;
}

export interface ProgramRun extends ChildOptions {
    /** The project directory the program runs in (its cwd, as under `pulumi up`). */
    cwd: string;
    /** The program's entry, relative to cwd (what Pulumi would run: Pulumi.yaml `main:` or package.json). */
    entry: string;
    /** Stack config, full keys (`auth0:domain`); non-strings JSON-encoded as the CLI does. */
    config: Record<string, unknown>;
    /** Register ts-node from cwd first, as the Node.js runtime does for a TypeScript program. */
    tsNode?: boolean;
    project?: string;
    /** The layout's root when it has its own node_modules (see simulationModule). */
    layoutDir?: string;
    /** NODE_OPTIONS of the program's process. */
    nodeOptions?: string;
}

const simulations = new Map<string, string>();

/**
 * tools/plan/simulation.ts as CommonJS, so a program without ts-node (a compiled deployment, a consumer) runs against
 * the same simulated providers. Written inside `layoutDir`'s node_modules, so it shares the program's @pulumi/pulumi
 * (its mocks must be set on the instance the program uses); without one, in a temp dir linked to this checkout's.
 */
export function simulationModule(layoutDir?: string): string {
    const key = layoutDir ?? "";
    const known = simulations.get(key);
    if (known) return known;
    const source = readFileSync(path.join(PROJECT_ROOT, "tools", "plan", "simulation.ts"), "utf8");
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    // Keyed by this checkout too: the temp dir links to its node_modules, and a dir left by another checkout (one
    // since deleted, or CI's clone) must not be reused with a link that points there.
    const hash = createHash("sha256").update(PROJECT_ROOT).update("\0").update(out.outputText).digest("hex").slice(0, 16);
    const dir = layoutDir
        ? path.join(layoutDir, "node_modules", ".auth0-entra-scim-simulation")
        : path.join(os.tmpdir(), `auth0-entra-scim-simulation-${hash}`);
    mkdirSync(dir, { recursive: true });
    if (!layoutDir) linkOnce(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
    const file = path.join(dir, "simulation.js");
    // Written whole, then renamed: parallel test files may share the temp dir.
    writeFileSync(`${file}.${process.pid}`, out.outputText);
    renameSync(`${file}.${process.pid}`, file);
    simulations.set(key, file);
    return file;
}

/** A link at `at` to `target`; one pointing elsewhere (or nowhere) is replaced. Parallel test files may race here. */
function linkOnce(target: string, at: string): void {
    let current: string | undefined;
    try {
        current = readlinkSync(at);
    } catch {}
    if (current === target) return;
    if (current !== undefined) rmSync(at, { force: true });
    try {
        symlinkSync(target, at, "dir");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
}

/** Runs a program under the simulated providers in a child process in its directory; every registration it made. */
export async function registerProgramInChild(run: ProgramRun): Promise<ProgramRegistration[]> {
    const spec = {
        entry: run.entry,
        config: run.config,
        tsNode: !!run.tsNode,
        project: run.project ?? "auth0-entra-scim",
        simulation: simulationModule(run.layoutDir),
    };
    const env = { ...run.env, ...(run.nodeOptions ? { NODE_OPTIONS: run.nodeOptions } : {}) };
    return JSON.parse(await runChild(PROGRAM, spec, { ...run, env, cwd: run.cwd })) as ProgramRegistration[];
}

/** The dynamic resources of a program run, by their short type (ScimToken, ...). */
export function dynamicRegistrations(regs: ProgramRegistration[]): ProgramRegistration[] {
    return regs.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
}
