// The heap ceiling of one stack: Node.js's default V8 heap limit for a machine's memory, a linear model of the
// heap the program keeps per connection, and the connection count where the two meet. Pure: no I/O.
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
}

/** heap(n) = baseMb + perConnectionMb * n, fitted by least squares. */
export interface HeapModel {
    baseMb: number;
    perConnectionMb: number;
}

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

/** One run of the stack under a reduced old-space limit. */
export interface HeapCheckRun {
    connections: number;
    outcome: "finished" | "out of memory";
    liveHeapMb?: number;
    peakHeapMb?: number;
}

export interface HeapCheck {
    maxOldSpaceMb: number;
    /** The count the model predicts for that limit. */
    predicted: number;
    /** Below the prediction (expected to finish) and above it (expected to run out of heap). */
    below: HeapCheckRun;
    above: HeapCheckRun;
}

/** The two connection counts that bracket a prediction: 15% either side. */
export function bracket(predicted: number): { below: number; above: number } {
    return { below: Math.max(1, Math.floor(predicted * 0.85)), above: Math.max(2, Math.ceil(predicted * 1.15)) };
}

/** Did the runs either side of the prediction end as predicted? */
export function confirmed(check: HeapCheck): boolean {
    return check.below.outcome === "finished" && check.above.outcome === "out of memory";
}
