// One measurement in a fresh process (started by bench/run.ts through ts-node, transpile-only): the real program
// for a generated config, or the flat baseline built from that run's recording, with or without the stack's
// component tree ("components").
// Spec in BENCH_SPEC (JSON); the result goes to spec.resultFile as JSON.
import * as fs from "node:fs";
import * as path from "node:path";
import { settle, simulate } from "../plan/simulation";
import { generateStackConfig } from "./generate";
import { type FlatPlan, flatClasses, registerFlat, toFlatPlan } from "./baseline";
import { providerFootprint, type ProviderFootprint } from "./report";

const ROOT = path.resolve(__dirname, "..", "..");

export interface ChildSpec {
    kind: "stack" | "baseline" | "components";
    connections: number;
    /** stack: where to write the flat plan; baseline: where to read it. */
    planFile: string;
    resultFile: string;
}

export interface ChildResult {
    kind: ChildSpec["kind"];
    connections: number;
    loadMs: number;
    evalMs: number;
    peakRssMb: number;
    resources: number;
    customResources: number;
    components: number;
    types: Record<string, number>;
    footprint?: ProviderFootprint;
    /** Closure serializations of dynamic providers (Pulumi serializes once per provider object). */
    providerSerializations: number;
    /** Inputs and outputs of the custom resources as JSON: roughly what the state file holds. */
    stateBytes: number;
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

async function main(spec: ChildSpec): Promise<ChildResult> {
    const serializations = countSerializations();
    const loadStart = performance.now();
    let plan: FlatPlan | undefined;
    let classes: ReturnType<typeof flatClasses> | undefined;
    if (spec.kind === "stack") {
        // The program's whole module graph (index.ts only adds the call), so the timed part is the evaluation.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(ROOT, "components", "stack"));
    } else {
        plan = JSON.parse(fs.readFileSync(spec.planFile, "utf8")) as FlatPlan;
        classes = flatClasses(plan);
    }
    const loadMs = performance.now() - loadStart;
    const generated = generateStackConfig(spec.connections);
    const monitor = await simulate({ stack: "bench", preview: true, config: spec.kind === "stack" ? generated.pulumiConfig : {} });

    // A hand-written flat program keeps every resource in a module-level const until the program ends; so does the
    // baseline (dropping them would let the garbage collector free what a real program keeps).
    let flatResources: unknown[] = [];
    const start = performance.now();
    if (spec.kind === "stack") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(path.join(ROOT, "index"));
    } else {
        flatResources = registerFlat(plan!, classes, spec.kind === "components");
    }
    await settle();
    const evalMs = performance.now() - start;
    if (spec.kind !== "stack" && flatResources.length !== plan!.resources.length) throw new Error("flat baseline: not every resource was made");
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    const recorded = monitor.recorded;
    const result: ChildResult = {
        kind: spec.kind,
        connections: spec.connections,
        loadMs,
        evalMs,
        peakRssMb,
        resources: recorded.length,
        customResources: recorded.filter((r) => r.custom).length,
        components: recorded.filter((r) => !r.custom).length,
        types: countTypes(recorded.map((r) => r.type)),
        providerSerializations: serializations(),
        stateBytes: recorded
            .filter((r) => r.custom)
            .reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r.inputs)) + Buffer.byteLength(JSON.stringify(r.state)), 0),
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
