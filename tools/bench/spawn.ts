// Fresh node processes for the benchmark: the project's child (tools/bench/child.ts) or inline scripts.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { ChildSpec } from "./child";

export const ROOT = path.resolve(__dirname, "..", "..");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const CHILD_TIMEOUT_MS = 10 * 60_000;

export interface NodeExit {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    /** The last 4000 characters. */
    stderr: string;
    /** Killed at the time limit. */
    timedOut: boolean;
    seconds: number;
}

/** Runs node in the project root and reports how it ended, killing it at `timeoutMs`. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number = CHILD_TIMEOUT_MS): Promise<NodeExit> {
    return spawnCommand(process.execPath, args, env, timeoutMs);
}

/** Runs a command in the project root and reports how it ended, killing it at `timeoutMs`. */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<NodeExit> {
    return new Promise((resolve) => {
        const started = performance.now();
        const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout.on("data", (d: Buffer) => {
            stdout += d.toString();
        });
        child.stderr.on("data", (d: Buffer) => {
            stderr = (stderr + d.toString()).slice(-4000);
        });
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
        }, timeoutMs);
        // A command that cannot start (not installed) ends like one that failed, with the reason in stderr.
        child.on("error", (err) => {
            stderr += `${command}: ${err.message}`;
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal, stdout, stderr, timedOut, seconds: (performance.now() - started) / 1000 });
        });
    });
}

/** Runs node in the project root; `tolerant`: take stdout even when the process ends badly afterwards. */
export async function runNode(args: string[], env: NodeJS.ProcessEnv, tolerant = false): Promise<string> {
    const exit = await spawnNode(args, env);
    if (exit.code === 0 || (tolerant && exit.stdout !== "")) return exit.stdout;
    throw new Error(`node ${args.join(" ")} ended with ${exit.signal ?? `exit code ${exit.code}`}\n${exit.stderr}`);
}

/**
 * The child's node arguments; `maxOldSpaceMb` runs it with --max-old-space-size, `nodeFlags` adds V8 or Node flags.
 */
export function childArgs(maxOldSpaceMb?: number, nodeFlags: readonly string[] = []): string[] {
    return [
        "--expose-gc",
        ...nodeFlags,
        ...(maxOldSpaceMb ? [`--max-old-space-size=${maxOldSpaceMb}`] : []),
        "-r",
        "ts-node/register/transpile-only",
        path.join(ROOT, "tools", "bench", "child.ts"),
    ];
}

export function childEnv(spec: ChildSpec): NodeJS.ProcessEnv {
    return { ...process.env, TS_NODE_PROJECT: TSCONFIG, BENCH_SPEC: JSON.stringify(spec) };
}
