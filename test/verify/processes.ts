// The tools as the npm scripts run them: a child process of node with ts-node, in the project folder,
// with only the environment given; killed if it outlives its bound.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as path from "node:path";

export const ROOT = path.join(__dirname, "..", "..");

export interface ToolProcess {
    child: ChildProcessWithoutNullStreams;
    /** Everything printed so far. */
    out: { stdout: string; stderr: string };
    /** The exit code (null when killed by a signal). */
    exit: Promise<number | null>;
}

export function spawnTool(file: string, args: string[], env: NodeJS.ProcessEnv, boundMs = 25_000): ToolProcess {
    const child = spawn(process.execPath, ["-r", "ts-node/register", file, ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TS_NODE_TRANSPILE_ONLY: "true", TS_NODE_PROJECT: "tsconfig.json", ...env },
    });
    const out = { stdout: "", stderr: "" };
    child.stdout.on("data", (d: Buffer) => {
        out.stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
        out.stderr += d.toString();
    });
    const exit = new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), boundMs);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve(code);
        });
    });
    return { child, out, exit };
}

/** Polls every 50 ms, for at most 10 s. */
export async function until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!condition()) throw new Error(`timed out waiting for ${what}`);
}
