// Where one stack stops fitting in Node.js's heap, measured: under two reduced --max-old-space-size limits, bisect
// the connection count between a run that finishes and one that runs out of heap (each a fresh process, bounded in
// time and number), fit heap per connection and fixed overhead from the two failure points, and check the fit's
// prediction under a third limit. Sampling the heap could not do this: it misses the peaks of a busy process.
import * as fs from "node:fs";
import * as path from "node:path";
import { PLAN_HEAP_MIB_BASE, PLAN_HEAP_MIB_PER_CONNECTION } from "../plan/capacity";
import type { ChildSpec, DoneResult } from "./child";
import {
    type Bisection,
    type HeapModel,
    type LimitRun,
    PREDICTION_TOLERANCE,
    type PredictionCheck,
    bracketOf,
    ceilingConnections,
    checkCounts,
    failurePoint,
    modelFromFailures,
    nextCount,
} from "./heap";
import { childArgs, childEnv, spawnNode } from "./spawn";

export type CeilingKind = "stack" | "plan";

export interface HeapCeilingOptions {
    /** The two limits (MiB of old space) whose failure points give the fit. */
    fitLimitsMb: [number, number];
    /** The third limit, where the fit's prediction is checked. */
    checkLimitMb: number;
    /** Each run is killed after this many seconds (and counts as not finishing). */
    timeoutS: number;
    kinds: CeilingKind[];
    programRoot?: string;
}

export const HEAP_CEILING_DEFAULTS: Omit<HeapCeilingOptions, "programRoot"> = {
    fitLimitsMb: [256, 512],
    checkLimitMb: 384,
    timeoutS: 170,
    kinds: ["stack", "plan"],
};

export interface KindCeiling {
    kind: CeilingKind;
    bisections: Bisection[];
    model?: HeapModel;
    check?: PredictionCheck;
}

export interface HeapCeilingResult {
    options: Omit<HeapCeilingOptions, "programRoot">;
    kinds: KindCeiling[];
}

/** V8's last words when the old generation cannot hold what the program keeps. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit/;

/** One fresh process of `kind` for `connections` under the limit: finished, out of memory, or timed out. */
async function runUnderLimit(kind: CeilingKind, connections: number, maxOldSpaceMb: number, tmp: string, o: HeapCeilingOptions): Promise<LimitRun> {
    const resultFile = path.join(tmp, `limit-${kind}-${connections}-${maxOldSpaceMb}.json`);
    const spec: ChildSpec = {
        kind,
        connections,
        planFile: path.join(tmp, "unused-flat-plan.json"),
        resultFile,
        untilDone: true,
        ...(o.programRoot && kind === "stack" ? { programRoot: o.programRoot } : {}),
    };
    const exit = await spawnNode(childArgs(maxOldSpaceMb), childEnv(spec), o.timeoutS * 1000);
    try {
        if (exit.timedOut) return { connections, outcome: "timed out", seconds: exit.seconds };
        if (OUT_OF_MEMORY.test(exit.stderr)) return { connections, outcome: "out of memory", seconds: exit.seconds };
        if (exit.code !== 0) throw new Error(`${kind} at ${connections} connections ended with ${exit.signal ?? `exit code ${exit.code}`}\n${exit.stderr}`);
        const done = JSON.parse(fs.readFileSync(resultFile, "utf8")) as DoneResult;
        if (done.connections !== connections) throw new Error(`${kind}: the child evaluated ${done.connections} connections, not ${connections}`);
        return { connections, outcome: "finished", seconds: exit.seconds };
    } finally {
        fs.rmSync(resultFile, { force: true });
    }
}

/** Bisects the count under one limit from `guess`, at most heap.ts BISECTION.maxRuns runs. */
async function bisect(
    kind: CeilingKind,
    maxOldSpaceMb: number,
    guess: number,
    tmp: string,
    o: HeapCeilingOptions,
    log: (s: string) => void,
): Promise<Bisection> {
    const runs: LimitRun[] = [];
    for (let n = nextCount(runs, guess); n !== undefined; n = nextCount(runs, guess)) {
        const run = await runUnderLimit(kind, n, maxOldSpaceMb, tmp, o);
        runs.push(run);
        log(`  heap ceiling, ${kind}, --max-old-space-size=${maxOldSpaceMb}: ${n} connections ${run.outcome} (${run.seconds.toFixed(0)} s)`);
    }
    return { maxOldSpaceMb, runs, ...bracketOf(runs) };
}

/** A first guess from the plan's own estimate (tools/plan/capacity.ts): only where the bisection starts. */
function firstGuess(maxOldSpaceMb: number): number {
    return Math.max(1, Math.round((maxOldSpaceMb - PLAN_HEAP_MIB_BASE) / PLAN_HEAP_MIB_PER_CONNECTION));
}

async function measureKind(kind: CeilingKind, tmp: string, o: HeapCeilingOptions, log: (s: string) => void): Promise<KindCeiling> {
    const [lowMb, highMb] = o.fitLimitsMb;
    const low = await bisect(kind, lowMb, firstGuess(lowMb), tmp, o, log);
    const lowPoint = failurePoint(low);
    const high = await bisect(kind, highMb, lowPoint ? (lowPoint * highMb) / lowMb : firstGuess(highMb), tmp, o, log);
    const model = modelFromFailures(low, high);
    if (!model) return { kind, bisections: [low, high] };
    const predicted = ceilingConnections(model, o.checkLimitMb);
    const counts = checkCounts(predicted);
    log(`  heap ceiling, ${kind}: the fit predicts ${predicted} connections under ${o.checkLimitMb} MiB; running ${counts.below} and ${counts.above}`);
    const check: PredictionCheck = {
        maxOldSpaceMb: o.checkLimitMb,
        predicted,
        tolerance: PREDICTION_TOLERANCE,
        below: await runUnderLimit(kind, counts.below, o.checkLimitMb, tmp, o),
        above: await runUnderLimit(kind, counts.above, o.checkLimitMb, tmp, o),
    };
    log(`  heap ceiling, ${kind}: ${counts.below} ${check.below.outcome}, ${counts.above} ${check.above.outcome}`);
    return { kind, bisections: [low, high], model, check };
}

export async function measureHeapCeiling(o: HeapCeilingOptions, tmp: string, log: (s: string) => void): Promise<HeapCeilingResult> {
    const kinds: KindCeiling[] = [];
    for (const kind of o.kinds) kinds.push(await measureKind(kind, tmp, o, log));
    const { programRoot: _, ...options } = o;
    return { options, kinds };
}
