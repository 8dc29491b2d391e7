// How many connections one stack's program can hold in one Node.js process. `pulumi up` runs the program in one
// process too, so a stack the plan warns about here is a stack `pulumi up` may not finish.
import * as v8 from "node:v8";

/**
 * Heap one connection adds to an evaluated program, in MiB: the slope of the committed V8 heap (process.memoryUsage()
 * heapTotal, the largest seen while the plan ran) between generated stacks of 50 and 250 connections
 * (tools/bench/generate.ts: 90% managed Entra, 10% Auth0-only), measured by tools/plan/memory.ts on Node 20.20,
 * 2026-11-29: 225 MiB at 50, 814 MiB at 250, so 2.94 MiB per connection and about 80 MiB before the first; rounded
 * up. Peak RSS grew 3.3 MiB per connection in the same runs, in line with issue 14's 2.9 GB for 1000 connections.
 * The scale helper's docs/scale.md measures the same ceiling in more depth; docs/plan.md has the table.
 */
export const PLAN_HEAP_MIB_PER_CONNECTION = 3;
/** Heap of the program and the SDK before the first connection, in MiB (same measurement, the intercept). */
export const PLAN_HEAP_MIB_BASE = 80;
/**
 * Warn from this share of the heap limit on. It puts the warning where docs/scale.md's sizing advice ends (about 300
 * connections under Node's default 2 GiB old space, 600 under 4 GiB): well before the limit, because garbage
 * collection slows sharply near it and the real engine's gRPC traffic, which the simulation lacks, needs room too
 * (UNCONFIRMED how much, as docs/scale.md says).
 */
export const CAPACITY_WARN_SHARE = 0.45;

export interface CapacityEstimate {
    connections: number;
    estimatedMiB: number;
    heapLimitMiB: number;
    share: number;
}

export function estimateCapacity(connections: number, heapLimitBytes: number = v8.getHeapStatistics().heap_size_limit): CapacityEstimate {
    const estimatedMiB = PLAN_HEAP_MIB_BASE + connections * PLAN_HEAP_MIB_PER_CONNECTION;
    const heapLimitMiB = heapLimitBytes / 2 ** 20;
    return { connections, estimatedMiB, heapLimitMiB, share: estimatedMiB / heapLimitMiB };
}

/** The warning for a stack that approaches the heap limit, or undefined. */
export function capacityWarning(e: CapacityEstimate): string | undefined {
    if (e.share < CAPACITY_WARN_SHARE) return undefined;
    const gib = (mib: number) => (mib / 1024).toFixed(1);
    const most = Math.floor(((e.heapLimitMiB * CAPACITY_WARN_SHARE - PLAN_HEAP_MIB_BASE) / PLAN_HEAP_MIB_PER_CONNECTION / 10) * 10);
    return (
        `${e.connections} connections in one stack need about ${gib(e.estimatedMiB)} GiB of heap (${PLAN_HEAP_MIB_PER_CONNECTION} MiB each), ` +
        `${Math.round(e.share * 100)}% of this Node.js process's limit (${gib(e.heapLimitMiB)} GiB, v8.getHeapStatistics()); ` +
        `\`pulumi up\` runs the program in one such process too, and slows sharply or runs out of memory near the limit. ` +
        `Split the connections over stacks of at most about ${Math.max(most, 10)} with \`npm run stacks\` (docs/scale.md), ` +
        "or raise the limit with NODE_OPTIONS=--max-old-space-size=<MiB> where the plan and `pulumi up` run."
    );
}
