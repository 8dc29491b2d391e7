// Pure parts of the benchmark: the custom-provider footprint of a recording, medians, the targets' pass/miss
// evaluation and the Markdown that goes to tools/bench/RESULTS.md. No Pulumi runtime, no I/O.
import type { ApiCallReport } from "./apiCalls";
import type { TokenRequestReport } from "./tokenRequests";
import type { HeapFigures } from "./heap";
import { table } from "./markdown";
import { type HeapCeilingRun, formatScaleSections } from "./scaleReport";

/** What the footprint needs from a recorded registration (cli/simulation.ts RecordedResource). */
export interface RecordedLike {
    type: string;
    custom: boolean;
    inputs: Record<string, unknown>;
    state: Record<string, unknown>;
}

export interface ProviderFootprint {
    /** Resources carrying a serialized provider (`__provider` input): Pulumi dynamic resources. */
    dynamicResources: number;
    /** Sum of the `__provider` inputs' UTF-8 lengths. */
    inputBytes: number;
    /**
     * What those texts take in the state file: Pulumi keeps `__provider` in a dynamic resource's inputs and
     * again in its outputs (the dynamic provider host returns it with every result), JSON-encoded.
     */
    stateBytes: number;
    /** Distinct serialized texts. */
    distinct: number;
    /** Per type token: count and input bytes. */
    byType: Record<string, { count: number; inputBytes: number; distinct: number }>;
}

function jsonBytes(text: string): number {
    return Buffer.byteLength(JSON.stringify(text));
}

export function providerFootprint(recorded: readonly RecordedLike[]): ProviderFootprint {
    const all = new Set<string>();
    const perType = new Map<string, { count: number; inputBytes: number; texts: Set<string> }>();
    let dynamicResources = 0;
    let inputBytes = 0;
    let stateBytes = 0;
    for (const r of recorded) {
        const text = r.inputs.__provider;
        if (typeof text !== "string") continue;
        dynamicResources++;
        inputBytes += Buffer.byteLength(text);
        stateBytes += jsonBytes(text);
        const out = r.state.__provider;
        // Under the simulation the provider's answer echoes the inputs, as the dynamic provider host does.
        if (typeof out === "string") stateBytes += jsonBytes(out);
        all.add(text);
        const t = perType.get(r.type) ?? { count: 0, inputBytes: 0, texts: new Set<string>() };
        t.count++;
        t.inputBytes += Buffer.byteLength(text);
        t.texts.add(text);
        perType.set(r.type, t);
    }
    const byType: ProviderFootprint["byType"] = {};
    for (const [type, t] of [...perType].sort(([a], [b]) => a.localeCompare(b))) {
        byType[type] = { count: t.count, inputBytes: t.inputBytes, distinct: t.texts.size };
    }
    return { dynamicResources, inputBytes, stateBytes, distinct: all.size, byType };
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return Number.NaN;
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One size of the run: the stack and its flat baseline, each in fresh processes. */
export interface SizeResult {
    connections: number;
    /** Every registration of the stack: custom resources, providers and components. */
    resources: number;
    /** Custom and provider resources: what the baseline registers too. */
    customResources: number;
    components: number;
    /** Per run, from `require(index)` until every registration and invoke was answered. */
    stackMs: number[];
    baselineMs: number[];
    /** The flat baseline with the stack's component tree (same types, names, nesting; no outputs). */
    withComponentsMs: number[];
    /** Peak RSS of the process, MiB (largest over the runs). */
    stackRssMb: number;
    baselineRssMb: number;
    stackHeap: HeapFigures;
    baselineHeap: HeapFigures;
    /** The offline plan (`npm run plan`) of the same config, one run. */
    plan?: { ms: number; rssMb: number; heap: HeapFigures };
    /** Time to load the program's modules before the timed evaluation (first run). */
    loadMs: number;
    footprint: ProviderFootprint;
    /** How often Pulumi serialized a dynamic provider (once per provider object it is given). */
    providerSerializations: number;
    /** Estimated state of the custom resources: their inputs and outputs as JSON, all resources. */
    stateBytes: number;
    /**
     * Stack-trace frames formatted while evaluating, in the first run: Pulumi captures a trace per traced promise
     * and a whole one per resource, and source-map-support formats each frame. `sameInEveryRun`: every run of each
     * kind counted the same.
     */
    stackTraceFrames?: { stack: number; baseline: number; withComponents: number; sameInEveryRun: boolean };
}

export interface ColdResult {
    /** `require("@pulumi/pulumi")` in a fresh node process, ms since process start. */
    pulumiMs: number[];
    /** ts-node registered as the Pulumi CLI does (type checking unless configured otherwise), then index.ts. */
    programMs: number[];
    /** The same with PULUMI_NODEJS_TRANSPILE_ONLY=true. */
    programTranspileOnlyMs: number[];
    /** index.ts and components/ transpiled to JavaScript beforehand (a build step), loaded without ts-node. */
    programPrecompiledMs: number[];
    /** How the CLI's ts-node turns the program into JavaScript, given the project's tsconfig.json and the environment. */
    cliTranspile: CliTranspile;
}

/** type-check: ts-node with the TypeScript compiler, checking types; transpile-only: the compiler without checks; swc: @swc/core. */
export type CliTranspile = "type-check" | "transpile-only" | "swc";

const CLI_TRANSPILE_LABEL: Record<CliTranspile, string> = {
    "type-check": "ts-node, type-checking",
    "transpile-only": "ts-node, transpile-only",
    swc: "ts-node with swc",
};

export const TARGETS = {
    baselineRatio: { connections: 500, max: 1.15 },
    linearGrowth: { from: 50, to: 500, max: 10.5 },
    heapRatio: { connections: 500, max: 1.1 },
    providerBytesPerConnection: { max: 10_000 },
    coldStartRatio: { max: 2 },
} as const;

export interface TargetResult {
    id: keyof typeof TARGETS;
    target: string;
    /** Undefined when the run lacks the sizes the target needs. */
    value?: number;
    shown: string;
    met?: boolean;
    /** Relative excess over the limit, e.g. 0.25 = 25% over. */
    missBy?: number;
    why: string;
}

export function verdict(value: number | undefined, max: number): Pick<TargetResult, "met" | "missBy"> {
    if (value === undefined || Number.isNaN(value)) return {};
    return value <= max ? { met: true } : { met: false, missBy: value / max - 1 };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/**
 * Where the stack's time over the flat baseline goes: the component tree (measured: the same baseline with the
 * stack's components) and the rest of the program (dynamic resources' declared outputs, component and stack
 * outputs, applies, config validation).
 */
export function baselineGap(s: SizeResult): string {
    const stack = median(s.stackMs);
    const base = median(s.baselineMs);
    const tree = median(s.withComponentsMs);
    const pct = (ms: number) => `${((ms / base) * 100).toFixed(0)}%`;
    return (
        `of the ${pct(stack - base)} over the baseline, the component tree (${s.components} components, ` +
        `${(s.components / s.connections).toFixed(1)} per connection) takes ${pct(tree - base)} (the flat baseline with the same components: ${fmtMs(tree)}), ` +
        `the rest of the program ${pct(stack - tree)} (dynamic resources' \`__provider\` and declared outputs, applies, validation); ` +
        `per custom resource: stack ${(stack / s.customResources).toFixed(2)} ms, baseline ${(base / s.customResources).toFixed(2)} ms; ` +
        (s.stackTraceFrames ? `${framesShown(s.stackTraceFrames)}; ` : "") +
        `${s.footprint.dynamicResources} dynamic resources, ${s.providerSerializations} closure serializations`
    );
}

/** A frame count in millions: "3.33M". */
const millions = (n: number) => `${(n / 1e6).toFixed(2)}M`;

/** The stack-trace frames formatted, the count that drives most of the time (docs/scale.md). */
export function framesShown(f: NonNullable<SizeResult["stackTraceFrames"]>): string {
    return (
        `stack-trace frames formatted: stack ${millions(f.stack)}, baseline ${millions(f.baseline)} (${(f.stack / f.baseline).toFixed(2)}x), ` +
        `baseline with the component tree ${millions(f.withComponents)} (${(f.withComponents / f.baseline).toFixed(2)}x)` +
        (f.sameInEveryRun ? "" : " (the first run's; the runs counted differently)")
    );
}

/** "; runs 1.06x-1.35x": the range of the per-run ratios (stack and baseline of the same run), when there are several. */
export function runSpread(s: Pick<SizeResult, "stackMs" | "baselineMs">): string {
    const n = Math.min(s.stackMs.length, s.baselineMs.length);
    if (n < 2) return "";
    const ratios = s.stackMs.slice(0, n).map((ms, i) => ms / s.baselineMs[i]);
    return `; runs ${Math.min(...ratios).toFixed(2)}x-${Math.max(...ratios).toFixed(2)}x`;
}

/** The excess over a limit in percent; below 1%, to a hundredth, so a near miss never reads "by 0%". */
export function missedBy(fraction: number): string {
    const pct = fraction * 100;
    return pct >= 1 ? `${pct.toFixed(0)}%` : `${Math.max(pct, 0.01).toFixed(2)}%`;
}

export function evaluateTargets(sizes: readonly SizeResult[], cold?: ColdResult): TargetResult[] {
    const at = (n: number) => sizes.find((s) => s.connections === n);
    const results: TargetResult[] = [];

    const big = at(TARGETS.baselineRatio.connections);
    const ratio = big ? median(big.stackMs) / median(big.baselineMs) : undefined;
    results.push({
        id: "baselineRatio",
        target: `${TARGETS.baselineRatio.connections} connections: stack time <= ${TARGETS.baselineRatio.max}x the flat baseline`,
        value: ratio,
        shown:
            ratio === undefined
                ? "not measured"
                : `${ratio.toFixed(3)}x (${fmtMs(median(big!.stackMs))} vs ${fmtMs(median(big!.baselineMs))}${runSpread(big!)})`,
        ...verdict(ratio, TARGETS.baselineRatio.max),
        why: big ? baselineGap(big) : "",
    });

    const from = at(TARGETS.linearGrowth.from);
    const to = at(TARGETS.linearGrowth.to);
    const growth = from && to ? median(to.stackMs) / median(from.stackMs) : undefined;
    const scale = TARGETS.linearGrowth.to / TARGETS.linearGrowth.from;
    results.push({
        id: "linearGrowth",
        target: `time(${TARGETS.linearGrowth.to}) / time(${TARGETS.linearGrowth.from}) <= ${TARGETS.linearGrowth.max} (${scale}x the connections)`,
        value: growth,
        shown: growth === undefined ? "not measured" : `${growth.toFixed(3)}`,
        ...verdict(growth, TARGETS.linearGrowth.max),
        why:
            from && to
                ? `per connection: ${(median(from.stackMs) / from.connections).toFixed(1)} ms at ${from.connections}, ${(median(to.stackMs) / to.connections).toFixed(1)} ms at ${to.connections}; ` +
                  `the flat baseline grows ${(median(to.baselineMs) / median(from.baselineMs)).toFixed(2)}x; ` +
                  (from.stackTraceFrames && to.stackTraceFrames
                      ? `stack-trace frames formatted grow ${(to.stackTraceFrames.stack / from.stackTraceFrames.stack).toFixed(2)}x; `
                      : "") +
                  `peak RSS ${from.stackRssMb.toFixed(0)} -> ${to.stackRssMb.toFixed(0)} MiB`
                : "",
    });

    // Above the heap each side holds before it starts (its modules and its input: the baseline keeps its parsed
    // plan alive while it registers), so neither side's input counts as the evaluation's heap. Results recorded
    // before the start heap was measured fall back to the whole heap.
    const aboveStart = (h: HeapFigures) => h.peakAboveStartMb ?? h.peakMb;
    const heapRatio = big ? aboveStart(big.stackHeap) / aboveStart(big.baselineHeap) : undefined;
    const measuredFromStart = big?.stackHeap.peakAboveStartMb !== undefined && big?.baselineHeap.peakAboveStartMb !== undefined;
    results.push({
        id: "heapRatio",
        target: `${TARGETS.heapRatio.connections} connections: peak heap <= ${TARGETS.heapRatio.max}x the flat baseline's`,
        value: heapRatio,
        shown: big
            ? `${heapRatio!.toFixed(3)}x (${aboveStart(big.stackHeap).toFixed(0)} vs ${aboveStart(big.baselineHeap).toFixed(0)} MiB${measuredFromStart ? " above the start" : ""})`
            : "not measured",
        ...verdict(heapRatio, TARGETS.heapRatio.max),
        why: big
            ? (measuredFromStart
                  ? `whole heap at its peak ${big.stackHeap.peakMb.toFixed(0)} vs ${big.baselineHeap.peakMb.toFixed(0)} MiB, of which held before the evaluation ` +
                    `${big.stackHeap.startMb!.toFixed(0)} vs ${big.baselineHeap.startMb!.toFixed(0)} MiB; live after a full collection, above the start: ` +
                    `${big.stackHeap.liveAboveStartMb!.toFixed(0)} vs ${big.baselineHeap.liveAboveStartMb!.toFixed(0)} MiB ` +
                    `(${(big.stackHeap.liveAboveStartMb! / big.baselineHeap.liveAboveStartMb!).toFixed(2)}x); `
                  : `live heap after a full collection: ${big.stackHeap.liveMb.toFixed(0)} vs ${big.baselineHeap.liveMb.toFixed(0)} MiB (${(big.stackHeap.liveMb / big.baselineHeap.liveMb).toFixed(2)}x); `) +
              `peak RSS ${big.stackRssMb.toFixed(0)} vs ${big.baselineRssMb.toFixed(0)} MiB`
            : "",
    });

    // The largest per-connection figure of any size: small stacks have a larger share of managed connections.
    const worst = [...sizes].sort((a, b) => b.footprint.stateBytes / b.connections - a.footprint.stateBytes / a.connections)[0];
    const perConnection = worst ? worst.footprint.stateBytes / worst.connections : undefined;
    results.push({
        id: "providerBytesPerConnection",
        target: `serialized custom providers in state < ${kb(TARGETS.providerBytesPerConnection.max)} per connection`,
        value: perConnection,
        shown: worst
            ? `${kb(perConnection!)} in state (${kb(worst.footprint.inputBytes / worst.connections)} as inputs) at ${worst.connections} connection(s)`
            : "not measured",
        ...verdict(perConnection, TARGETS.providerBytesPerConnection.max),
        why: worst
            ? `${(worst.footprint.dynamicResources / worst.connections).toFixed(2)} dynamic resources per connection x ` +
              `${(worst.footprint.dynamicResources ? worst.footprint.inputBytes / worst.footprint.dynamicResources : 0).toFixed(0)} bytes per serialized provider, ` +
              "stored twice (inputs and outputs)"
            : "",
    });

    const coldRatio = cold ? median(cold.programMs) / median(cold.pulumiMs) : undefined;
    results.push({
        id: "coldStartRatio",
        target: `cold start <= ${TARGETS.coldStartRatio.max}x loading @pulumi/pulumi alone`,
        value: coldRatio,
        shown: cold ? `${coldRatio!.toFixed(2)}x (${fmtMs(median(cold.programMs))} vs ${fmtMs(median(cold.pulumiMs))})` : "not measured",
        ...verdict(coldRatio, TARGETS.coldStartRatio.max),
        why: cold
            ? `the Pulumi CLI loads it with ${CLI_TRANSPILE_LABEL[cold.cliTranspile]}` +
              (cold.cliTranspile === "type-check" ? " (tsconfig.json has neither compilerOptions.noCheck nor ts-node.transpileOnly)" : "") +
              "; " +
              `PULUMI_NODEJS_TRANSPILE_ONLY=true: ${fmtMs(median(cold.programTranspileOnlyMs))} = ${(median(cold.programTranspileOnlyMs) / median(cold.pulumiMs)).toFixed(2)}x; ` +
              `precompiled JavaScript: ${fmtMs(median(cold.programPrecompiledMs))} = ${(median(cold.programPrecompiledMs) / median(cold.pulumiMs)).toFixed(2)}x`
            : "",
    });
    return results;
}

export function fmtMs(ms: number): string {
    if (Number.isNaN(ms)) return "-";
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** The per-size table, in Markdown (it reads as plain text in a terminal too). */
export function formatSizeTable(sizes: readonly SizeResult[]): string {
    return table(
        [
            "connections",
            "resources (custom)",
            "stack time",
            "flat baseline",
            "ratio",
            "flat + components (ratio)",
            "peak RSS stack / baseline",
            "peak heap stack / baseline (live)",
            "custom-provider bytes / connection (inputs; state)",
            "dynamic resources (distinct texts; serializations)",
            "est. state / connection",
            "stack-trace frames stack / baseline",
            "offline plan: time (peak heap; peak RSS)",
        ],
        sizes.map((s) => {
            const stack = median(s.stackMs);
            const base = median(s.baselineMs);
            return [
                String(s.connections),
                `${s.resources} (${s.customResources})`,
                fmtMs(stack),
                fmtMs(base),
                `${(stack / base).toFixed(2)}x`,
                `${fmtMs(median(s.withComponentsMs))} (${(median(s.withComponentsMs) / base).toFixed(2)}x)`,
                `${s.stackRssMb.toFixed(0)} / ${s.baselineRssMb.toFixed(0)} MiB`,
                `${s.stackHeap.peakMb.toFixed(0)} / ${s.baselineHeap.peakMb.toFixed(0)} MiB (${s.stackHeap.liveMb.toFixed(0)} / ${s.baselineHeap.liveMb.toFixed(0)})`,
                `${Math.round(s.footprint.inputBytes / s.connections)}; ${Math.round(s.footprint.stateBytes / s.connections)}`,
                `${s.footprint.dynamicResources} (${s.footprint.distinct}; ${s.providerSerializations})`,
                kb(s.stateBytes / s.connections),
                s.stackTraceFrames
                    ? `${millions(s.stackTraceFrames.stack)} / ${millions(s.stackTraceFrames.baseline)} (${(s.stackTraceFrames.stack / s.stackTraceFrames.baseline).toFixed(2)}x)` +
                      (s.stackTraceFrames.sameInEveryRun ? "" : ", runs differ")
                    : "-",
                s.plan ? `${fmtMs(s.plan.ms)} (${s.plan.heap.peakMb.toFixed(0)}; ${s.plan.rssMb.toFixed(0)} MiB)` : "not run",
            ];
        }),
    );
}

/**
 * Peak heap and RSS per connection between the smallest and the largest size, for the program, the flat baseline
 * and (when run) the offline plan: what each added connection costs. Empty with fewer than two sizes.
 */
export function perConnectionCosts(sizes: readonly SizeResult[]): string[] {
    if (sizes.length < 2) return [];
    const [from, to] = [sizes[0], sizes[sizes.length - 1]];
    const n = to.connections - from.connections;
    const slope = (a: number, b: number) => `${((b - a) / n).toFixed(2)} MiB`;
    const rows = [
        ["the program (stack)", slope(from.stackHeap.peakMb, to.stackHeap.peakMb), slope(from.stackRssMb, to.stackRssMb)],
        ["the flat baseline", slope(from.baselineHeap.peakMb, to.baselineHeap.peakMb), slope(from.baselineRssMb, to.baselineRssMb)],
        from.plan && to.plan
            ? ["the offline plan", slope(from.plan.heap.peakMb, to.plan.heap.peakMb), slope(from.plan.rssMb, to.plan.rssMb)]
            : ["the offline plan", "not run (--no-plan)", "not run (--no-plan)"],
    ];
    return [
        `Per connection, from ${from.connections} to ${to.connections} connections (peaks of the runs; the heap ceiling below fits the heap by bisection):`,
        "",
        table(["run", "peak heap per connection", "peak RSS per connection"], rows),
        "",
    ];
}

export function formatColdTable(cold: ColdResult): string {
    const row = (label: string, v: number[]) => [
        label,
        fmtMs(median(v)),
        v.map((x) => Math.round(x)).join(", "),
        `${(median(v) / median(cold.pulumiMs)).toFixed(2)}x`,
    ];
    return table(
        ["load", "median", "runs (ms)", "vs @pulumi/pulumi"],
        [
            row('`require("@pulumi/pulumi")` alone', cold.pulumiMs),
            row(`index.ts as the Pulumi CLI loads it (${CLI_TRANSPILE_LABEL[cold.cliTranspile]})`, cold.programMs),
            row("index.ts, PULUMI_NODEJS_TRANSPILE_ONLY=true", cold.programTranspileOnlyMs),
            row("index.js precompiled (no ts-node)", cold.programPrecompiledMs),
        ],
    );
}

/** "met", "MISSED by 16%" or "not measured". */
export function verdictText(t: Pick<TargetResult, "met" | "missBy">): string {
    return t.met === undefined ? "not measured" : t.met ? "met" : `MISSED by ${missedBy(t.missBy ?? 0)}`;
}

export function formatTargets(targets: readonly TargetResult[]): string {
    return table(
        ["target", "measured", "verdict", "why / detail"],
        targets.map((t) => [t.target, t.shown, verdictText(t), t.why]),
    );
}

export interface MachineInfo {
    cpu: string;
    cores: number;
    memoryGiB: number;
    /** This machine's default V8 heap limit (heap_size_limit), MiB. */
    heapLimitMb: number;
    /** 1-minute load average when the run ended: above the core count, other work shared the machine and times stretch. */
    loadAverage?: number;
    node: string;
    platform: string;
}

export interface BenchReport {
    date: string;
    machine: MachineInfo;
    commit: string;
    sizes: SizeResult[];
    cold?: ColdResult;
    heapCeiling?: HeapCeilingRun;
    apiCalls?: ApiCallReport;
    tokenRequests?: TokenRequestReport;
    /** Type tokens and counts registered at the largest size. */
    types: Record<string, number>;
    durationS: number;
    command: string;
}

export function renderResults(report: BenchReport): string {
    const targets = evaluateTargets(report.sizes, report.cold);
    const largest = report.sizes[report.sizes.length - 1];
    const m = report.machine;
    const out = [
        "# Benchmark results",
        "",
        `Produced by \`${report.command}\` (tools/bench/run.ts) on ${report.date}, at commit ${report.commit}, in ${report.durationS.toFixed(0)} s.`,
        `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory (default V8 heap limit ${m.heapLimitMb.toFixed(0)} MiB), Node ${m.node} (${m.platform})` +
            (m.loadAverage !== undefined
                ? `; load average ${m.loadAverage.toFixed(1)} at the end${m.loadAverage > m.cores ? " (the machine was shared: read ratios, not times)" : ""}.`
                : "."),
        "",
        "Each figure comes from a fresh `node` process. The stack is the real program (index.ts through ts-node with the",
        "project's tsconfig.json, as the Pulumi CLI loads it) evaluated in-process against the simulated providers of tools/plan/simulation.ts in preview mode:",
        "time runs from `require(index)` until every registration and invoke was answered. The flat baseline registers the",
        "same custom resources (type tokens, count, input values, dependency edges, explicit providers, secrets) in one loop",
        "of a module the process requires, as the CLI requires a program (tools/bench/flatProgram.ts),",
        "with no components, no config validation and no dynamic providers (tools/bench/baseline.ts), from the stack's own",
        'recording of the same run. "flat + components" is that baseline registered under the stack\'s own component tree',
        "(same types, names and nesting, no outputs): its difference to the flat baseline is what the components cost.",
        "Configs come from tools/bench/generate.ts: 90% managed Entra connections (2-4 users and 1-2",
        "groups assigned, most with groups provisioned, some with token lifetimes, extra mappings and provision on demand),",
        "10% Auth0-only, one Entra tenant per 20 connections (at most 10), all but the first named at connection level.",
        "",
        "## Targets",
        "",
        formatTargets(targets),
        "",
        "## Per size",
        "",
        formatSizeTable(report.sizes),
        "",
        ...perConnectionCosts(report.sizes),
        "Times are medians of the runs listed below; RSS and peak heap are the largest peaks of those runs (peak heap is sampled every",
        "20 ms and includes garbage not yet collected); live heap is the median heap in use after a full collection at the end.",
        "Stack-trace frames are counted in every run and shown from the first (marked where runs counted differently):",
        "the SDK captures a trace for every traced promise and a whole one for every resource, and under ts-node",
        "source-map-support formats each frame; that is most of the time (docs/scale.md), and unlike the time the count",
        "does not move with the machine's load.",
        "",
        ...report.sizes.map(
            (s) =>
                `- ${s.connections}: stack ${s.stackMs.map(Math.round).join(", ")} ms; baseline ${s.baselineMs.map(Math.round).join(", ")} ms; module load before the timed part ${Math.round(s.loadMs)} ms`,
        ),
        "",
    ];
    if (largest) {
        out.push(`Custom providers at ${largest.connections} connections (serialized text in each resource's \`__provider\`):`, "");
        out.push(
            table(
                ["type", "resources", "bytes each (inputs)", "distinct texts"],
                Object.entries(largest.footprint.byType).map(([type, t]) => [
                    `\`${type}\``,
                    String(t.count),
                    String(Math.round(t.inputBytes / t.count)),
                    String(t.distinct),
                ]),
            ),
        );
        out.push("", `Registered at ${largest.connections} connections:`, "");
        out.push(
            table(
                ["type", "count"],
                Object.entries(report.types)
                    .sort(([a], [b]) => a.localeCompare(b))
                    .map(([t, n]) => [`\`${t}\``, String(n)]),
            ),
        );
        out.push("");
    }
    if (report.cold) {
        out.push(
            "## Cold start",
            "",
            formatColdTable(report.cold),
            "",
            "Milliseconds from process start until the module returned, each in a fresh `node` process. The program is",
            "loaded with a one-connection config under Pulumi's mocks, so index.ts runs and registers that connection.",
            "",
        );
    }
    out.push(...formatScaleSections(report));
    out.push("See docs/scale.md for what the figures mean and the plan where a target is missed.", "");
    return out.join("\n");
}
