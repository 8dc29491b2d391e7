// Runs the bench children under valgrind's callgrind and reads the instructions each executed
// (tools/bench/instructions.ts says why and what the figures mean).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildSpec } from "./child";
import { INSTRUCTION_NODE_FLAGS, type KindInstructions, type SizeInstructions, parseCollected } from "./instructions";
import { childArgs, childEnv, runNode, spawnCommand } from "./spawn";

/** callgrind runs node about 50 times slower: one 500-connection evaluation took about 40 minutes of a core. */
const RUN_TIMEOUT_MS = 120 * 60_000;

/** valgrind's version line, or an error that says how to get it. */
export function valgrindVersion(): string {
    try {
        return execFileSync("valgrind", ["--version"], { encoding: "utf8" }).trim();
    } catch {
        throw new Error("--instructions needs valgrind on the PATH (Debian: apt-get install valgrind)");
    }
}

type Kind = "stack" | "baseline";

async function counted(kind: Kind, connections: number, mode: "load" | "eval", planFile: string, tmp: string, programRoot?: string): Promise<number> {
    const spec: ChildSpec = {
        kind,
        connections,
        planFile,
        resultFile: path.join(tmp, `instructions-${kind}-${connections}-${mode}.json`),
        instructions: mode,
        ...(programRoot && kind === "stack" ? { programRoot } : {}),
    };
    const exit = await spawnCommand(
        "valgrind",
        ["--tool=callgrind", "--callgrind-out-file=/dev/null", process.execPath, ...childArgs(undefined, INSTRUCTION_NODE_FLAGS)],
        childEnv(spec),
        RUN_TIMEOUT_MS,
    );
    fs.rmSync(spec.resultFile, { force: true });
    const collected = parseCollected(exit.stderr);
    if (exit.code !== 0 || collected === undefined) {
        const how = exit.timedOut ? `was killed after ${RUN_TIMEOUT_MS / 60_000} min` : `ended with ${exit.signal ?? `exit code ${exit.code}`}`;
        throw new Error(`callgrind, ${kind} (${mode}) at ${connections} connections ${how}\n${exit.stderr}`);
    }
    return collected;
}

/** Runs `jobs` at most `width` at a time, keeping their order in the result. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
    const results: T[] = new Array(jobs.length);
    let next = 0;
    const worker = async () => {
        while (next < jobs.length) {
            const i = next++;
            results[i] = await jobs[i]();
        }
    };
    await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
    return results;
}

/**
 * The four counts of one size: stack and baseline, each stopped before and after the evaluation. A plain run of the
 * stack first records the plan the baseline registers. Counts do not depend on load, so `width` runs go at once.
 */
export async function countSize(connections: number, tmp: string, log: (s: string) => void, width: number, programRoot?: string): Promise<SizeInstructions> {
    const planFile = path.join(tmp, `instructions-plan-${connections}.json`);
    const recording: ChildSpec = { kind: "stack", connections, planFile, resultFile: path.join(tmp, `instructions-record-${connections}.json`) };
    if (programRoot) recording.programRoot = programRoot;
    await runNode(childArgs(), childEnv(recording));
    fs.rmSync(recording.resultFile, { force: true });
    try {
        const started = Date.now();
        // The two long runs (eval) first, side by side.
        const jobs = (["eval", "load"] as const).flatMap((mode) =>
            (["stack", "baseline"] as const).map((kind) => async () => {
                const n = await counted(kind, connections, mode, planFile, tmp, programRoot);
                log(`  instructions, ${connections} connections, ${kind} (${mode}): ${n} (${((Date.now() - started) / 1000).toFixed(0)} s in)`);
                return { kind, mode, n };
            }),
        );
        const results = await pool(jobs, width);
        const pick = (kind: Kind): KindInstructions => ({
            load: results.find((r) => r.kind === kind && r.mode === "load")!.n,
            full: results.find((r) => r.kind === kind && r.mode === "eval")!.n,
        });
        return { connections, stack: pick("stack"), baseline: pick("baseline") };
    } finally {
        fs.rmSync(planFile, { force: true });
    }
}
