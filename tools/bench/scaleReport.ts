// The scale-ceiling sections of the benchmark's output: heap per connection and the connection count at which
// Node.js's default heap limit is reached, the run that confirms it, and the custom resources' API calls per
// operation against the call targets and the vendors' rate limits. Pure: no I/O.
import type { ApiCallReport } from "./apiCalls";
import { AUTH0_PLANS, OPERATIONS, evaluateCallTargets, rateLimitFloorSeconds, refreshCalls } from "./apiBudget";
import { type HeapCheck, type HeapModel, ceilingConnections, confirmed, defaultHeapLimit, fitHeapModel } from "./heap";
import { table } from "./markdown";
import type { SizeResult } from "./report";

/** The machines a CI runner commonly gives a job: GitHub's 2-core (7 GB) and 4-core (16 GB) Linux runners. */
export const MACHINES_GB = [7, 16] as const;
const GiB = 2 ** 30;

/** Sizes from 10 connections up: below that the fixed cost of loading the SDK drowns the slope. */
function fitted(sizes: readonly SizeResult[], pick: (s: SizeResult) => number | undefined): HeapModel | undefined {
    const points = sizes
        .filter((s) => s.connections >= 10)
        .flatMap((s) => {
            const mb = pick(s);
            return mb === undefined ? [] : [{ connections: s.connections, mb }];
        });
    return fitHeapModel(points);
}

/**
 * Peak heap per connection, for the program or the offline plan: what predicts the ceiling. The heap kept to the
 * end (live) is far less than what the evaluation holds at once while its registrations are in flight.
 */
export function heapModelOf(sizes: readonly SizeResult[], kind: "stack" | "plan"): HeapModel | undefined {
    return fitted(sizes, (s) => (kind === "stack" ? s.stackHeap.peakMb : s.plan?.heap.peakMb));
}

function ceilingRow(label: string, peak: HeapModel | undefined, live: HeapModel | undefined, rss: HeapModel | undefined): string[] {
    if (!live || !peak || !rss) return [label, "not measured", "", "", ...MACHINES_GB.map(() => "")];
    return [
        label,
        `${peak.perConnectionMb.toFixed(2)} MiB (+ ${peak.baseMb.toFixed(0)} MiB)`,
        `${live.perConnectionMb.toFixed(2)} MiB`,
        `${rss.perConnectionMb.toFixed(2)} MiB`,
        ...MACHINES_GB.map((gb) => {
            const limit = defaultHeapLimit(gb * GiB).oldGenerationMb;
            return `${ceilingConnections(peak, limit)} (old space ${limit} MiB)`;
        }),
    ];
}

export function formatHeapCeiling(sizes: readonly SizeResult[], check?: HeapCheck): string[] {
    const rows = [
        ceilingRow(
            "program (`pulumi preview`/`up` evaluation)",
            heapModelOf(sizes, "stack"),
            fitted(sizes, (s) => s.stackHeap.liveMb),
            fitted(sizes, (s) => s.stackRssMb),
        ),
        ceilingRow(
            "offline plan (`npm run plan`)",
            heapModelOf(sizes, "plan"),
            fitted(sizes, (s) => s.plan?.heap.liveMb),
            fitted(sizes, (s) => s.plan?.rssMb),
        ),
    ];
    const out = [
        "## Heap ceiling",
        "",
        table(
            [
                "run",
                "peak heap per connection (fixed part)",
                "live heap per connection",
                "peak RSS per connection",
                ...MACHINES_GB.map((gb) => `connections at the default limit, ${gb} GB machine`),
            ],
            rows,
        ),
        "",
        "Slopes are least-squares fits over the sizes of 10 connections and more. The count is where the peak heap fills",
        "Node.js's default old space for that much memory (tools/bench/heap.ts derives it as V8 does). Live heap is what a",
        "run keeps to its end; the peak is what it holds while registrations are in flight, garbage included.",
    ];
    if (check) {
        const run = (r: HeapCheck["below"]) =>
            `${r.connections} connections ${r.outcome}${r.peakHeapMb !== undefined ? ` (peak heap ${r.peakHeapMb.toFixed(0)} MiB)` : ""}`;
        out.push(
            "",
            `Check under \`--max-old-space-size=${check.maxOldSpaceMb}\`: the model predicts ${check.predicted} connections; ${run(check.below)}, ` +
                `${run(check.above)}: ${confirmed(check) ? "confirmed" : "NOT confirmed"}.`,
        );
    }
    out.push("");
    return out;
}

export function formatApiCalls(report: ApiCallReport): string[] {
    const resources = report.create.map((r) => r.resource);
    const calls = (op: (typeof OPERATIONS)[number], resource: string) => {
        const t = report[op].find((r) => r.resource === resource)?.tally;
        return t && t.calls.length > 0 ? t.calls.join("; ") : "none";
    };
    const targets = evaluateCallTargets(report);
    const out = [
        "## API calls per managed connection",
        "",
        "Counted by the Auth0 and Graph stand-ins (test/support) while each custom resource is driven as the engine drives it",
        "(tools/bench/apiCalls.ts): create = Check + Create; up = Check + Diff, then Create/Update/Delete as Diff decides;",
        "refresh = Read; destroy = Delete. Bridged resources (auth0, azuread) are not counted.",
        "",
        table(
            ["operation", ...resources.map((r) => `\`${r}\``)],
            OPERATIONS.map((op) => [op, ...resources.map((r) => calls(op, r))]),
        ),
        "",
        table(
            ["target", "verdict", "misses"],
            targets.map((t) => [t.target, t.met ? "met" : "MISSED", t.misses.join("; ") || "-"]),
        ),
        "",
        "Wall-clock floor of one refresh from the Auth0 Management API rate limit (burst, then the steady rate), 90% of",
        "connections managed. Graph reads stay under its per-tenant resource units; the client-credentials grants go to",
        "the Authentication API, whose limit is not counted here.",
        "",
    ];
    const rows: string[][] = [];
    for (const n of [100, 500]) {
        const c = refreshCalls(report, n, 0.9);
        for (const plan of AUTH0_PLANS) {
            rows.push([
                String(n),
                plan.name,
                `${plan.perSecond}/s, burst ${plan.burst}`,
                String(c.auth0),
                String(c.auth0Tokens),
                String(c.graph),
                `${rateLimitFloorSeconds(c.auth0, plan.perSecond, plan.burst).toFixed(0)} s`,
            ]);
        }
    }
    out.push(table(["connections", "Auth0 plan", "Management API limit", "Auth0 Management calls", "Auth0 token requests", "Graph reads", "floor"], rows), "");
    return out;
}

export function formatScaleSections(report: { sizes: readonly SizeResult[]; heapCheck?: HeapCheck; apiCalls?: ApiCallReport }): string[] {
    return [...formatHeapCeiling(report.sizes, report.heapCheck), ...(report.apiCalls ? formatApiCalls(report.apiCalls) : [])];
}
