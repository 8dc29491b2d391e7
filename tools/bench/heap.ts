// The heap ceiling of one stack: Node.js's default V8 heap limit for a machine's memory, the bisection that finds
// where a run stops fitting under a reduced --max-old-space-size, the linear model fitted from two such failure
// points, and the count where the model meets a limit. Pure: no I/O.
//
// How Node.js 20 sizes the heap (no --max-old-space-size): node's SetIsolateCreateParamsForNode
// (src/api/environment.cc) passes the machine's memory, or the cgroup's limit when that is lower
// (uv_get_constrained_memory), to V8's ResourceConstraints::ConfigureDefaults, which takes
// Heap::HeapSizeFromPhysicalMemory (src/heap/heap.cc):
//   old generation = memory / kPhysicalMemoryToOldGenerationRatio (4) * kHeapLimitMultiplier (2 on 64-bit
//   without pointer compression, as Node.js is built), at least V8HeapTrait::kMinSize (256 MiB), at most
//   MaxOldGenerationSize: V8HeapTrait::kMaxSize (2 GiB), doubled to 4 GiB by the huge_max_old_generation_size
//   flag (on by default) on machines of 15 GiB and more;
//   young generation = 3 semi-spaces (two semi-spaces and the new large-object space), a semi-space being
//   old / 128, between 1 MiB and 16 MiB.
// heap_size_limit = old + young: 4144 MiB on this 23.5 GiB machine, as v8.getHeapStatistics() reports
// (test/bench.test.ts checks the rule against the running node). UNCONFIRMED for V8 11.3 exactly: the memory
// threshold of the 4 GiB step, which V8's history writes as `memory / GiB >= 15` and, earlier,
// `(memory + 512 MiB) / GiB >= 16`; both give 2 GiB on a 7 GB machine and 4 GiB on a 16 GB one.

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** V8's page size; the old generation is rounded up to whole pages. */
const PAGE = 256 * 1024;

export interface HeapLimit {
    /** max_old_generation_size: what --max-old-space-size sets, and what the program's live objects must fit in. */
    oldGenerationMb: number;
    youngGenerationMb: number;
    /** What v8.getHeapStatistics().heap_size_limit reports. */
    heapSizeLimitMb: number;
}

/** Node.js 20's default V8 heap limit on 64-bit Linux for a machine (or cgroup) with this much memory. */
export function defaultHeapLimit(memoryBytes: number): HeapLimit {
    const maxOld = memoryBytes / GiB >= 15 ? 4 * GiB : 2 * GiB;
    let old = Math.min((memoryBytes / 4) * 2, maxOld);
    old = Math.max(old, 256 * MiB);
    old = Math.ceil(old / PAGE) * PAGE;
    const semi = Math.ceil(Math.min(Math.max(old / 128, 1 * MiB), 16 * MiB) / PAGE) * PAGE;
    const young = 3 * semi;
    return { oldGenerationMb: old / MiB, youngGenerationMb: young / MiB, heapSizeLimitMb: (old + young) / MiB };
}

/** Heap figures of one kind of run at one size, MiB. */
export interface HeapFigures {
    /** Largest heap in use seen while it ran (sampled; includes garbage not yet collected). */
    peakMb: number;
    /** Heap in use after a full collection at the end: what the run keeps alive. */
    liveMb: number;
    /**
     * Heap in use after a full collection just before the evaluation (median over the runs): what each side holds
     * before it starts, the loaded modules and its input (the stack's generated config; the baseline's parsed plan,
     * which it keeps until it has registered everything). Absent in results recorded before it was measured.
     */
    startMb?: number;
    /** Largest of (peak - start) over the runs: what the evaluation itself added at its height. */
    peakAboveStartMb?: number;
    /** Median of (live - start): what the evaluation keeps alive. */
    liveAboveStartMb?: number;
}

/** heap(n) = baseMb + perConnectionMb * n. */
export interface HeapModel {
    baseMb: number;
    perConnectionMb: number;
}

/** Least squares; two points give the line through them. */
export function fitHeapModel(points: readonly { connections: number; mb: number }[]): HeapModel | undefined {
    if (new Set(points.map((p) => p.connections)).size < 2) return undefined;
    const n = points.length;
    const mx = points.reduce((s, p) => s + p.connections, 0) / n;
    const my = points.reduce((s, p) => s + p.mb, 0) / n;
    const sxy = points.reduce((s, p) => s + (p.connections - mx) * (p.mb - my), 0);
    const sxx = points.reduce((s, p) => s + (p.connections - mx) ** 2, 0);
    const perConnectionMb = sxy / sxx;
    return { baseMb: my - perConnectionMb * mx, perConnectionMb };
}

/** The connection count whose modelled heap reaches `limitMb` (rounded down). */
export function ceilingConnections(model: HeapModel, limitMb: number): number {
    return Math.max(0, Math.floor((limitMb - model.baseMb) / model.perConnectionMb));
}

/**
 * How one run under a reduced limit ended. "timed out": still running at the time limit, which near the heap limit
 * means garbage collection thrashing; the bisection counts it as not finishing, the report shows it as what it was.
 */
export type LimitOutcome = "finished" | "out of memory" | "timed out";

/** One fresh process under --max-old-space-size. */
export interface LimitRun {
    connections: number;
    outcome: LimitOutcome;
    seconds: number;
}

/** The runs under one limit and the bracket they found. */
export interface Bisection {
    maxOldSpaceMb: number;
    runs: LimitRun[];
    /** Largest count that finished below the smallest that did not (undefined: none finished). */
    finished?: number;
    /** Smallest count that did not finish (undefined: every run finished). */
    failed?: number;
}

export interface BisectionPolicy {
    /** Runs per limit, at most. */
    maxRuns: number;
    /** Stop once the bracket is this share of its upper end or narrower (or one connection wide). */
    resolution: number;
    /** Bracketing steps: the next count is the last one times or divided by this until a run ends the other way. */
    step: number;
}

export const BISECTION: BisectionPolicy = { maxRuns: 8, resolution: 0.03, step: 1.5 };

/** The bracket some runs establish: the smallest count that did not finish and the largest below it that did. */
export function bracketOf(runs: readonly LimitRun[]): { finished?: number; failed?: number } {
    const notFinished = runs.filter((r) => r.outcome !== "finished").map((r) => r.connections);
    const failed = notFinished.length > 0 ? Math.min(...notFinished) : undefined;
    const below = runs.filter((r) => r.outcome === "finished" && (failed === undefined || r.connections < failed)).map((r) => r.connections);
    return { finished: below.length > 0 ? Math.max(...below) : undefined, failed };
}

/** The count to run next under one limit, starting from `guess`; undefined when the bracket is narrow enough or the runs are spent. */
export function nextCount(runs: readonly LimitRun[], guess: number, policy: BisectionPolicy = BISECTION): number | undefined {
    if (runs.length === 0) return Math.max(1, Math.round(guess));
    if (runs.length >= policy.maxRuns) return undefined;
    const { finished, failed } = bracketOf(runs);
    if (failed === undefined) return Math.ceil(finished! * policy.step);
    if (finished === undefined) return failed <= 1 ? undefined : Math.max(1, Math.floor(failed / policy.step));
    if (failed - finished <= Math.max(1, policy.resolution * failed)) return undefined;
    return Math.round((finished + failed) / 2);
}

/** Where a run stops fitting under the limit: the middle of the bracket, or undefined when it is open. */
export function failurePoint(b: Pick<Bisection, "finished" | "failed">): number | undefined {
    return b.finished !== undefined && b.failed !== undefined ? (b.finished + b.failed) / 2 : undefined;
}

/** The bracket's width as a share of its upper end (the measurement's resolution). */
export function bracketWidth(b: Pick<Bisection, "finished" | "failed">): number | undefined {
    return b.finished !== undefined && b.failed !== undefined ? (b.failed - b.finished) / b.failed : undefined;
}

/** Heap per connection and fixed overhead: the line through two failure points (old space limit against count). */
export function modelFromFailures(a: Bisection, b: Bisection): HeapModel | undefined {
    const pa = failurePoint(a);
    const pb = failurePoint(b);
    if (pa === undefined || pb === undefined || pa === pb) return undefined;
    return fitHeapModel([
        { connections: pa, mb: a.maxOldSpaceMb },
        { connections: pb, mb: b.maxOldSpaceMb },
    ]);
}

/** The check of a prediction under a third limit: a run `tolerance` below it should finish, one above it should not. */
export interface PredictionCheck {
    maxOldSpaceMb: number;
    predicted: number;
    tolerance: number;
    below: LimitRun;
    above: LimitRun;
}

export const PREDICTION_TOLERANCE = 0.1;

/** The two counts that test a prediction: `tolerance` either side of it. */
export function checkCounts(predicted: number, tolerance: number = PREDICTION_TOLERANCE): { below: number; above: number } {
    return { below: Math.max(1, Math.floor(predicted * (1 - tolerance))), above: Math.max(2, Math.ceil(predicted * (1 + tolerance))) };
}

/** The prediction holds when the run below it finished and the run above it did not. */
export function predictionHolds(check: PredictionCheck): boolean {
    return check.below.outcome === "finished" && check.above.outcome !== "finished";
}
