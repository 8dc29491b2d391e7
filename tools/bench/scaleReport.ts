// The scale-ceiling sections of the benchmark's output: the heap ceiling bisected under reduced limits, the fit and
// the connection count at which Node.js's default heap limit is reached, against the plan's warning; and the custom
// resources' API calls per operation against the call targets and the vendors' rate limits. Pure: no I/O.
import { PLAN_HEAP_MIB_PER_CONNECTION, capacityWarning, estimateCapacity } from "../plan/capacity";
import type { ApiCallReport } from "./apiCalls";
import {
    AUTH0_PLANS,
    BRIDGED_AUTH0_RESOURCES_PER_CONNECTION,
    OPERATIONS,
    bridgedAuth0Calls,
    evaluateCallTargets,
    onDemandFloorSeconds,
    operationCalls,
    rateLimitFloorSeconds,
    refreshCalls,
} from "./apiBudget";
import { type LimitRun, PREDICTION_TOLERANCE, bracketWidth, ceilingConnections, defaultHeapLimit, failurePoint, predictionHolds } from "./heap";
import type { CeilingKind, HeapCeilingResult, KindCeiling } from "./heapCeiling";
import { replaceSection, table } from "./markdown";
import type { MachineInfo } from "./report";
import type { TokenRequestReport } from "./tokenRequests";

/** The machines a CI runner commonly gives a job: GitHub's 2-core (7 GB) and 4-core (16 GB) Linux runners. */
export const MACHINES_GB = [7, 16] as const;
const GiB = 2 ** 30;
/** The bisection brackets each failure point to this share of the count or narrower. */
export const BRACKET_TARGET = 0.05;

/** One heap-ceiling measurement with where and when it ran (its RESULTS.md section may be newer than the rest). */
export interface HeapCeilingRun {
    result: HeapCeilingResult;
    date: string;
    machine: MachineInfo;
    commit: string;
    durationS: number;
    command: string;
}

const KIND_LABEL: Record<CeilingKind, string> = {
    stack: "program (`pulumi preview`/`up` evaluation)",
    plan: "offline plan (`npm run plan`)",
};

/** The smallest count for which tools/plan/capacity.ts warns under this heap_size_limit (undefined: none up to 100000). */
export function planWarnsFrom(heapSizeLimitMb: number): number | undefined {
    for (let n = 1; n <= 100_000; n++) {
        if (capacityWarning(estimateCapacity(n, heapSizeLimitMb * 2 ** 20))) return n;
    }
    return undefined;
}

function runsText(runs: readonly LimitRun[]): string {
    return runs
        .map((r) => `${r.connections} ${r.outcome === "finished" ? "ok" : r.outcome === "out of memory" ? "OOM" : "timeout"} (${r.seconds.toFixed(0)} s)`)
        .join(", ");
}

function verdict(met: boolean | undefined): string {
    return met === undefined ? "not measured" : met ? "MET" : "MISSED";
}

/** Target rows of one kind: bracket widths, the checked prediction, the plan's warning and its constant. */
function ceilingTargets(k: KindCeiling): string[][] {
    const label = k.kind === "stack" ? "program" : "plan";
    const rows = k.bisections.map((b) => {
        const w = bracketWidth(b);
        return [
            `${label}, ${b.maxOldSpaceMb} MiB: failure point bracketed to <= ${BRACKET_TARGET * 100}%`,
            w === undefined ? `open bracket (${b.finished ?? "-"} ok, ${b.failed ?? "-"} not)` : `${(w * 100).toFixed(1)}% (${b.finished}-${b.failed})`,
            verdict(w === undefined ? undefined : w <= BRACKET_TARGET),
        ];
    });
    const c = k.check;
    rows.push([
        `${label}, ${c?.maxOldSpaceMb ?? "third"} MiB: fails where the fit predicts, +-${(PREDICTION_TOLERANCE * 100).toFixed(0)}%`,
        c ? `predicted ${c.predicted}: ${c.below.connections} ${c.below.outcome}, ${c.above.connections} ${c.above.outcome}` : "no fit (a bracket stayed open)",
        verdict(c ? predictionHolds(c) : undefined),
    ]);
    const m = k.model;
    rows.push([
        `${label}: capacity.ts's ${PLAN_HEAP_MIB_PER_CONNECTION} MiB per connection >= measured`,
        m ? `${m.perConnectionMb.toFixed(2)} MiB (constant / measured ${(PLAN_HEAP_MIB_PER_CONNECTION / m.perConnectionMb).toFixed(2)})` : "no fit",
        verdict(m ? PLAN_HEAP_MIB_PER_CONNECTION >= m.perConnectionMb : undefined),
    ]);
    for (const gb of MACHINES_GB) {
        const limit = defaultHeapLimit(gb * GiB);
        const warns = planWarnsFrom(limit.heapSizeLimitMb);
        const ceiling = m ? ceilingConnections(m, limit.oldGenerationMb) : undefined;
        rows.push([
            `${label}, ${gb} GB machine: the plan warns before the ceiling`,
            `warns from ${warns ?? "never"}, ceiling ${ceiling ?? "not measured"}`,
            verdict(ceiling === undefined ? undefined : warns !== undefined && warns < ceiling),
        ]);
    }
    return rows;
}

function predictionRow(k: KindCeiling): string[] {
    const m = k.model;
    return [
        KIND_LABEL[k.kind],
        m ? `${m.perConnectionMb.toFixed(2)} MiB` : "no fit",
        m ? `${m.baseMb.toFixed(0)} MiB` : "",
        ...MACHINES_GB.map((gb) => {
            const limit = defaultHeapLimit(gb * GiB).oldGenerationMb;
            return m ? `${ceilingConnections(m, limit)} (old space ${limit} MiB)` : "";
        }),
    ];
}

export function formatHeapCeiling(run: HeapCeilingRun): string[] {
    const { result, machine: m } = run;
    const o = result.options;
    return [
        "## Heap ceiling",
        "",
        `Measured by \`${run.command}\` on ${run.date}, at commit ${run.commit}, in ${run.durationS.toFixed(0)} s; ${m.cpu}, ${m.cores} cores, ` +
            `${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}${m.loadAverage !== undefined ? `, load average ${m.loadAverage.toFixed(1)} at the end` : ""}.`,
        "",
        `Each run is a fresh process under \`--max-old-space-size\`, killed after ${o.timeoutS} s, that evaluates a generated stack`,
        "(tools/bench/generate.ts) and ends as soon as the evaluation (or the plan) is done. Under each of two limits the",
        "connection count is bisected between a run that finished and one that ran out of heap (at most 8 runs); the failure",
        "point is the middle of that bracket. The line through the two failure points gives heap per connection and fixed",
        `overhead; its prediction for a third limit is checked with a run ${PREDICTION_TOLERANCE * 100}% below it (should finish) and one`,
        `${PREDICTION_TOLERANCE * 100}% above it (should run out). A run that timed out counts as not finishing.`,
        "",
        table(
            ["run", "old space limit", "runs (connections, outcome, time)", "last ok / first not", "failure point"],
            result.kinds.flatMap((k) =>
                k.bisections.map((b) => [
                    KIND_LABEL[k.kind],
                    `${b.maxOldSpaceMb} MiB`,
                    runsText(b.runs),
                    `${b.finished ?? "-"} / ${b.failed ?? "-"}`,
                    failurePoint(b)?.toFixed(1) ?? "open",
                ]),
            ),
        ),
        "",
        table(
            ["run", "heap per connection", "fixed overhead", ...MACHINES_GB.map((gb) => `connections at the default limit, ${gb} GB machine`)],
            result.kinds.map(predictionRow),
        ),
        "",
        "The default limits are Node.js's for that much memory (tools/bench/heap.ts derives them as V8 does); the young",
        "generation is the same 48 MiB under every limit here, so the fit is against old space alone.",
        "",
        table(["target", "measured", "verdict"], result.kinds.flatMap(ceilingTargets)),
        "",
    ];
}

/** Replaces the "## Heap ceiling" section of a RESULTS.md (up to the next "## "), or inserts it before "## API calls". */
export function replaceHeapSection(markdown: string, section: readonly string[]): string {
    return replaceSection(markdown, "## Heap ceiling", section, "## API calls");
}

/** Issue 16's token reading of "one call per resource": one access token per credentials (Auth0) and per tenant (Entra) per process. */
export function tokenTargets(tokens: TokenRequestReport): { target: string; met: boolean; misses: string[] }[] {
    const misses = (pick: (c: TokenRequestReport["counts"][number]) => number, allowed: number) =>
        tokens.counts.filter((c) => pick(c) > allowed).map((c) => `${c.operation}, ${c.parallelism}: ${pick(c)}`);
    const targets = [
        { target: "Auth0: one client-credentials grant per provider process (one set of credentials)", misses: misses((c) => c.auth0, 1) },
        { target: `Entra: one token request per tenant per provider process (${tokens.tenants} tenants)`, misses: misses((c) => c.entra, tokens.tenants) },
    ];
    return targets.map((t) => ({ ...t, met: t.misses.length === 0 }));
}

function formatTokenRequests(tokens: TokenRequestReport): string[] {
    return [
        `Access-token requests per provider process (tools/bench/tokenRequests.ts): ${tokens.connections} connections over ${tokens.tenants} Entra tenants,`,
        "each operation with new providers (a new process) sharing one Graph client cache (graphClients) and one ScimToken",
        "provider; Auth0 grants counted by the stand-in, Entra token requests by a counting credential (20 ms per answer).",
        "",
        table(
            ["operation", "resources run", "Auth0 grants (POST /oauth/token)", "Entra token requests (tenants)"],
            tokens.counts.map((c) => [c.operation, c.parallelism, String(c.auth0), `${c.entra} (${c.entraTenants})`]),
        ),
        "",
        table(
            ["target", "verdict", "misses"],
            tokenTargets(tokens).map((t) => [t.target, t.met ? "MET" : "MISSED", t.misses.join("; ") || "-"]),
        ),
        "",
    ];
}

function formatCreateFloor(report: ApiCallReport): string[] {
    const rows: string[][] = [];
    for (const n of [100, 500]) {
        const c = operationCalls(report, "create", n, 0.9);
        const bridged = bridgedAuth0Calls(n);
        const onDemand = onDemandFloorSeconds(c.onDemand);
        for (const plan of AUTH0_PLANS) {
            const auth0 = rateLimitFloorSeconds(c.auth0 + bridged, plan.perSecond, plan.burst);
            rows.push([
                String(n),
                plan.name,
                `${c.auth0} + at least ${bridged}`,
                String(c.graph),
                `${c.onDemand} (${c.subjects} subjects)`,
                `${auth0.toFixed(0)} s`,
                `${onDemand.toFixed(0)} s`,
                `${Math.max(auth0, onDemand).toFixed(0)} s`,
            ]);
        }
    }
    return [
        "Wall-clock floor of a create with the generated mix (tools/bench/generate.ts: every sixth connection provisions one",
        "user on demand): the larger of the Auth0 Management API floor and ProvisionOnDemand's own pacing (5 POSTs per 11 s per",
        "provider process, all queued at once; Microsoft: 5 per 10 s). Auth0 Management calls: the custom resources' (counted)",
        `plus the bridged auth0 resources', which share the limit: at least ${BRIDGED_AUTH0_RESOURCES_PER_CONNECTION} per connection (the connection and its SCIM`,
        "configuration; how many requests the bridged provider sends for each is UNCONFIRMED). A floor, not a forecast: the",
        "on-demand POSTs also wait for their job and schema. Graph writes stay far under 3,000 per 150 s per app and tenant.",
        "Limits: Auth0's rate-limit configurations (https://auth0.com/docs/troubleshoot/customer-support/operational-policies/",
        "rate-limit-policy/rate-limit-configurations), Microsoft Graph's throttling limits (https://learn.microsoft.com/graph/throttling-limits).",
        "",
        table(["connections", "Auth0 plan", "Auth0 Management calls", "Graph calls", "on-demand POSTs", "Auth0 floor", "on-demand floor", "floor"], rows),
        "",
    ];
}

export function formatApiCalls(report: ApiCallReport, tokens?: TokenRequestReport): string[] {
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
            targets.map((t) => [t.target, t.met ? "MET" : "MISSED", t.misses.join("; ") || "-"]),
        ),
        "",
        ...(tokens ? formatTokenRequests(tokens) : []),
        ...formatCreateFloor(report),
        "Wall-clock floor of one refresh from the Auth0 Management API rate limit (burst, then the steady rate), 90% of",
        "connections managed: the custom resources' reads (counted) plus the bridged auth0 resources' (at least one per",
        `resource, ${BRIDGED_AUTH0_RESOURCES_PER_CONNECTION} per connection; UNCONFIRMED how many the bridged provider sends). ProvisionOnDemand reads nothing on refresh.`,
        "Graph reads (custom resources' counted; the bridged azuread resources read too) stay under its per-tenant resource",
        "units; the client-credentials grants go to the Authentication API, whose limit is not counted here.",
        "",
    ];
    const rows: string[][] = [];
    for (const n of [100, 500]) {
        const c = refreshCalls(report, n, 0.9);
        const bridged = bridgedAuth0Calls(n);
        for (const plan of AUTH0_PLANS) {
            rows.push([
                String(n),
                plan.name,
                `${plan.perSecond}/s, burst ${plan.burst}`,
                `${c.auth0} + at least ${bridged}`,
                tokens ? `${Math.max(...tokens.counts.filter((t) => t.operation === "refresh").map((t) => t.auth0))} per process` : "not counted",
                String(c.graph),
                `${rateLimitFloorSeconds(c.auth0, plan.perSecond, plan.burst).toFixed(0)} s custom only; at least ${rateLimitFloorSeconds(c.auth0 + bridged, plan.perSecond, plan.burst).toFixed(0)} s`,
            ]);
        }
    }
    out.push(table(["connections", "Auth0 plan", "Management API limit", "Auth0 Management calls", "Auth0 token requests", "Graph reads", "floor"], rows), "");
    return out;
}

export function formatScaleSections(report: { heapCeiling?: HeapCeilingRun; apiCalls?: ApiCallReport; tokenRequests?: TokenRequestReport }): string[] {
    return [
        ...(report.heapCeiling ? formatHeapCeiling(report.heapCeiling) : []),
        ...(report.apiCalls ? formatApiCalls(report.apiCalls, report.tokenRequests) : []),
    ];
}
