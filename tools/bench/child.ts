// One measurement in a fresh process (started by bench/run.ts through ts-node, transpile-only): the real program
// for a generated config, or the flat baseline built from that run's recording, with or without the stack's
// component tree ("components"), or the offline plan (`npm run plan`) of the same config ("plan").
// Spec in BENCH_SPEC (JSON); the result goes to spec.resultFile as JSON.
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as YAML from "yaml";
import { settle, simulate } from "../plan/simulation";
import { generateStackConfig } from "./generate";
import { type FlatPlan, flatClasses, setFlatProgram, toFlatPlan } from "./baseline";
import { providerFootprint, type ProviderFootprint } from "./report";

const ROOT = path.resolve(__dirname, "..", "..");

export interface ChildSpec {
    kind: "stack" | "baseline" | "components" | "plan";
    connections: number;
    /** The program's root (index.ts, components/); default this checkout. A scratch copy for experiments. */
    programRoot?: string;
    /** stack: where to write the flat plan; baseline: where to read it. */
    planFile: string;
    resultFile: string;
    /**
     * A run under a reduced heap limit (tools/bench/heapCeiling.ts): end as soon as the evaluation (or the plan) is
     * done, writing only that it finished, so that nothing the bench does afterwards decides whether the heap sufficed.
     */
    untilDone?: boolean;
    /**
     * A run counted by callgrind (tools/bench/instructions.ts): "load" ends where the timed evaluation would start,
     * "eval" as soon as it is done; neither samples the heap nor counts stack traces, whose work follows the clock
     * or differs between the kinds. The evaluation's instructions are the difference of the two.
     */
    instructions?: "load" | "eval";
}

export interface ChildResult {
    kind: ChildSpec["kind"];
    connections: number;
    loadMs: number;
    evalMs: number;
    peakRssMb: number;
    /** Largest V8 heap in use seen while evaluating (sampled every 20 ms; includes garbage not yet collected), MiB. */
    peakHeapMb: number;
    /** Heap in use after a full garbage collection just before the timed evaluation: the loaded modules and this run's input (not the baseline's parsed plan, let go as the evaluation starts), MiB. */
    startHeapMb: number;
    /** Heap in use after a full garbage collection once everything settled: what the run keeps alive, MiB. */
    liveHeapMb: number;
    /** This process's V8 heap limit (heap_size_limit), MiB. */
    heapLimitMb: number;
    resources: number;
    customResources: number;
    components: number;
    types: Record<string, number>;
    footprint?: ProviderFootprint;
    /** Closure serializations of dynamic providers (Pulumi serializes once per provider object). */
    providerSerializations: number;
    /** Inputs and outputs of the custom resources as JSON: roughly what the state file holds. */
    stateBytes: number;
    /**
     * Stack traces formatted while evaluating, and their frames: Pulumi captures one per traced promise and one
     * (whole) per resource; under ts-node each frame goes through source-map-support. Absent if
     * `Error.prepareStackTrace` was not a function to wrap.
     */
    stackTraces?: { traces: number; frames: number };
}

/** What a run under a reduced heap limit (spec.untilDone) writes: that it finished, and when. */
export interface DoneResult {
    kind: ChildSpec["kind"];
    connections: number;
    evalMs: number;
}

function countTypes(types: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of types) out[t] = (out[t] ?? 0) + 1;
    return out;
}

/** Counts calls of Pulumi's closure serializer, which dynamic/index.js looks up on its module at each call. */
function countSerializations(): () => number {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction: (...args: unknown[]) => unknown };
    const original = closure.serializeFunction;
    let calls = 0;
    closure.serializeFunction = (...args: unknown[]) => {
        calls++;
        return original(...args);
    };
    return () => calls;
}

/**
 * Counts the stack traces formatted through `Error.prepareStackTrace`: here ts-node's source-map-support hook, as
 * under the Pulumi CLI (whose runtime installs source-map-support for JavaScript programs too); Node's own
 * formatter where nothing replaced it. Undefined if no function is set there at all.
 */
export function countStackTraces(): { counted(): { traces: number; frames: number }; stop(): void } | undefined {
    const hook = Error.prepareStackTrace;
    if (typeof hook !== "function") return undefined;
    const counted = { traces: 0, frames: 0 };
    const counting: typeof hook = (err, frames) => {
        counted.traces++;
        counted.frames += frames.length;
        return hook(err, frames);
    };
    Error.prepareStackTrace = counting;
    return {
        counted: () => ({ ...counted }),
        stop: () => {
            // Only our own wrapper is taken back: a hook installed meanwhile stays.
            if (Error.prepareStackTrace === counting) Error.prepareStackTrace = hook;
        },
    };
}

const MiB = 2 ** 20;

/** Samples the heap in use every 20 ms; `peak()` also takes one sample now. */
function heapSampler(): { peak(): number; stop(): void } {
    let peak = 0;
    const sample = () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const timer = setInterval(sample, 20);
    return {
        peak: () => {
            sample();
            return peak / MiB;
        },
        stop: () => clearInterval(timer),
    };
}

/** The heap still in use after a full collection (the child runs with --expose-gc). */
function liveHeapMb(): number {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed / MiB;
}

/** The generated config as a stack file, the way `npm run plan -- --config-file` reads one. */
function writeStackFile(file: string, config: Record<string, unknown>): void {
    fs.writeFileSync(file, YAML.stringify({ config }));
}

async function main(spec: ChildSpec): Promise<ChildResult | DoneResult> {
    const root = spec.programRoot ?? ROOT;
    const serializations = countSerializations();
    const loadStart = performance.now();
    let plan: FlatPlan | undefined;
    let expectedResources = 0;
    let planHeapMb = 0;
    let classes: ReturnType<typeof flatClasses> | undefined;
    let runPlan: typeof import("../plan/cli").runPlan | undefined;
    let formatPlan: typeof import("../plan/cli").formatPlan | undefined;
    if (spec.kind === "stack") {
        // The program's whole module graph (index.ts only adds the call), so the timed part is the evaluation.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(root, "components", "stack"));
    } else if (spec.kind === "plan") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        ({ runPlan, formatPlan } = require("../plan/cli") as typeof import("../plan/cli"));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(ROOT, "components", "stack"));
    } else {
        const withoutPlan = liveHeapMb();
        plan = JSON.parse(fs.readFileSync(spec.planFile, "utf8")) as FlatPlan;
        // What the parsed plan holds: it is let go as the evaluation starts (below), so it must not count in the
        // start the baseline's peak is measured above; counted there, it made the baseline's peak look smaller.
        planHeapMb = liveHeapMb() - withoutPlan;
        classes = flatClasses(plan);
    }
    const loadMs = performance.now() - loadStart;
    const generated = generateStackConfig(spec.connections);
    const stackFile = `${spec.resultFile}.stack.yaml`;
    if (spec.kind === "plan") writeStackFile(stackFile, generated.pulumiConfig);
    const startHeapMb = liveHeapMb() - planHeapMb;
    if (spec.instructions === "load") {
        fs.rmSync(stackFile, { force: true });
        return { kind: spec.kind, connections: spec.connections, evalMs: 0 };
    }
    const counted = spec.instructions === undefined;
    const stackTraces = counted ? countStackTraces() : undefined;
    const heap = counted ? heapSampler() : undefined;

    // A hand-written flat program keeps every resource in a module-level const until the program ends; so does the
    // baseline (dropping them would let the garbage collector free what a real program keeps).
    let flatResources: unknown[] = [];
    let monitor: Awaited<ReturnType<typeof simulate>>;
    let planText = "";
    const start = performance.now();
    if (spec.kind === "plan") {
        // What `npm run plan` does: evaluate (not a preview), resolve the outputs, format the plan.
        const result = await runPlan!({ configFile: stackFile });
        planText = formatPlan!(result);
        monitor = result.monitor;
    } else {
        monitor = await simulate({ stack: "bench", preview: true, config: spec.kind === "stack" ? generated.pulumiConfig : {} });
        if (spec.kind === "stack") {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require(path.join(root, "index"));
        } else {
            if (require.cache[require.resolve("./flatProgram")]) throw new Error("bench child: tools/bench/flatProgram was required before its plan was set");
            setFlatProgram({ plan: plan!, classes: classes!, withComponents: spec.kind === "components" });
            // The parsed plan (tens of MiB at 500 connections) is this run's input, not a program's: a hand-written
            // flat program holds its literals as source text. Kept alive, the garbage collector marked it at every
            // full collection, which slowed the baseline and flattered the stack.
            expectedResources = plan!.resources.length;
            plan = undefined;
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            flatResources = (require("./flatProgram") as typeof import("./flatProgram")).resources;
        }
        await settle();
    }
    const evalMs = performance.now() - start;
    const traced = stackTraces?.counted();
    stackTraces?.stop();
    const peakHeapMb = heap?.peak() ?? 0;
    heap?.stop();
    fs.rmSync(stackFile, { force: true });
    if (spec.untilDone || spec.instructions) return { kind: spec.kind, connections: spec.connections, evalMs };
    const live = liveHeapMb();
    if ((spec.kind === "baseline" || spec.kind === "components") && flatResources.length !== expectedResources) {
        throw new Error("flat baseline: not every resource was made");
    }
    if (spec.kind === "plan" && planText === "") throw new Error("the plan printed nothing");
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    const recorded = monitor.recorded;
    const result: ChildResult = {
        kind: spec.kind,
        connections: spec.connections,
        loadMs,
        evalMs,
        peakRssMb,
        peakHeapMb,
        startHeapMb,
        liveHeapMb: live,
        heapLimitMb: v8.getHeapStatistics().heap_size_limit / MiB,
        resources: recorded.length,
        customResources: recorded.filter((r) => r.custom).length,
        components: recorded.filter((r) => !r.custom).length,
        types: countTypes(recorded.map((r) => r.type)),
        providerSerializations: serializations(),
        stateBytes: recorded
            .filter((r) => r.custom)
            .reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.inputs)) + Buffer.byteLength(JSON.stringify(r.state)), 0),
        ...(traced ? { stackTraces: traced } : {}),
    };
    if (spec.kind === "stack") {
        result.footprint = providerFootprint(recorded);
        fs.writeFileSync(spec.planFile, JSON.stringify(toFlatPlan(recorded, monitor.calls)));
    }
    return result;
}

if (require.main === module) {
    const spec = JSON.parse(process.env.BENCH_SPEC ?? "null") as ChildSpec | null;
    if (!spec) {
        process.stderr.write("bench/child.ts is started by bench/run.ts (BENCH_SPEC is not set)\n");
        process.exit(2);
    }
    main(spec).then(
        (result) => {
            fs.writeFileSync(spec.resultFile, JSON.stringify(result));
            process.exit(0);
        },
        (err: unknown) => {
            process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
            process.exit(1);
        },
    );
}
