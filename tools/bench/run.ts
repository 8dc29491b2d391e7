// npm run bench [-- --sizes 1,10,50,100,500] [--reps N] [--cold-reps N] [--heap-limits 256,512,384 | --no-heap-ceiling | --heap-only]
//                 [--instructions] [--no-plan] [--no-api-calls] [--program DIR] [--out FILE | --no-write]
// Measures the stack at several sizes against a flat baseline (time, RSS, heap), the offline plan's memory, the
// heap ceiling (bisected under reduced heap limits, tools/bench/heapCeiling.ts), the API calls of the custom
// resources per operation, and the program's cold start, each in fresh processes; prints the tables and writes
// tools/bench/RESULTS.md (--heap-only: measures the heap ceiling alone and replaces only that section; --instructions:
// counts the evaluation's instructions under callgrind alone, tools/bench/instructions.ts, and replaces only that section).
// A script that prints figures, not a test.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { countApiCalls } from "./apiCalls";
import { countTokenRequests } from "./tokenRequests";
import type { ChildResult, ChildSpec } from "./child";
import { generateStackConfig } from "./generate";
import type { HeapFigures } from "./heap";
import { HEAP_CEILING_DEFAULTS, measureHeapCeiling } from "./heapCeiling";
import { countSize, valgrindVersion } from "./instructionCount";
import { type InstructionRun, formatInstructions } from "./instructions";
import { replaceSection, sectionOf } from "./markdown";
import {
    type BenchReport,
    type CliTranspile,
    type ColdResult,
    type SizeResult,
    evaluateTargets,
    formatColdTable,
    formatSizeTable,
    formatTargets,
    median,
    renderResults,
} from "./report";
import { type HeapCeilingRun, formatHeapCeiling, formatScaleSections, replaceHeapSection } from "./scaleReport";
import { ROOT, childArgs, childEnv, runNode } from "./spawn";

const TSCONFIG = path.join(ROOT, "tsconfig.json");
// Access tokens per process: enough resources per tenant to show whether concurrent first requests share one token.
// UNCONFIRMED why the Graph stand-in refuses connections at 20 connections (100 concurrent requests): kept below.
const TOKEN_CONNECTIONS = 6;
const TOKEN_TENANTS = 2;

export interface BenchOptions {
    sizes: number[];
    /** Runs per size; undefined = 3 up to 100 connections, 2 above (the large sizes dominate the time). */
    reps?: number;
    coldReps: number;
    /**
     * Old-space limits (MiB) of the heap ceiling: two to bisect and fit, a third where the fit's prediction is
     * checked; undefined = no heap ceiling.
     */
    heapLimitsMb?: [number, number, number];
    /** Measure the heap ceiling alone and replace only its section of the results file. */
    heapOnly: boolean;
    /** Count the evaluation's instructions under callgrind alone (at `sizes`) and replace only that section. */
    instructions: boolean;
    /** Measure the offline plan (`npm run plan`) at each size. */
    plan: boolean;
    /** Count the custom resources' API calls per operation against the local stand-ins. */
    apiCalls: boolean;
    /** Evaluate the program in this directory (a scratch copy under experiment) instead of this checkout. */
    programRoot?: string;
    out?: string;
}

export function parseArgs(argv: readonly string[]): BenchOptions {
    const options: BenchOptions = {
        sizes: [1, 10, 50, 100, 500],
        coldReps: 5,
        heapLimitsMb: [...HEAP_CEILING_DEFAULTS.fitLimitsMb, HEAP_CEILING_DEFAULTS.checkLimitMb],
        heapOnly: false,
        instructions: false,
        plan: true,
        apiCalls: true,
        out: path.join(ROOT, "tools", "bench", "RESULTS.md"),
    };
    const value = (i: number, name: string) => {
        const v = argv[i + 1];
        if (v === undefined) throw new Error(`${name} needs a value`);
        return v;
    };
    const positive = (v: string, name: string) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: "${v}" is not a positive integer`);
        return n;
    };
    let sizesGiven = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--sizes") {
            sizesGiven = true;
            options.sizes = value(i++, a)
                .split(",")
                .map((s) => positive(s.trim(), a));
        } else if (a === "--reps") options.reps = positive(value(i++, a), a);
        else if (a === "--cold-reps") options.coldReps = positive(value(i++, a), a);
        else if (a === "--heap-limits") options.heapLimitsMb = heapLimits(value(i++, a), (v) => positive(v, a));
        else if (a === "--no-heap-ceiling") options.heapLimitsMb = undefined;
        else if (a === "--heap-only") options.heapOnly = true;
        else if (a === "--instructions") options.instructions = true;
        else if (a === "--no-plan") options.plan = false;
        else if (a === "--no-api-calls") options.apiCalls = false;
        else if (a === "--program") options.programRoot = path.resolve(value(i++, a));
        else if (a === "--out") options.out = path.resolve(value(i++, a));
        else if (a === "--no-write") options.out = undefined;
        else if (a === "--help" || a === "-h") throw new HelpRequested();
        else throw new Error(`unknown argument "${a}"`);
    }
    // Issue 16's two time targets need 50 and 500; callgrind makes every further size expensive.
    if (options.instructions && !sizesGiven) options.sizes = [50, 500];
    options.sizes = [...new Set(options.sizes)].sort((a, b) => a - b);
    if (options.heapOnly && options.instructions) throw new Error("--heap-only and --instructions each measure one section: run them one after the other");
    if (options.heapOnly && !options.heapLimitsMb) throw new Error("--heap-only and --no-heap-ceiling leave nothing to measure");
    return options;
}

/** "256,512,384": two different limits to fit, then the one where the prediction is checked. */
function heapLimits(v: string, positive: (v: string) => number): [number, number, number] {
    const limits = v.split(",").map((s) => positive(s.trim()));
    if (limits.length !== 3 || limits[0] === limits[1]) {
        throw new Error(`--heap-limits: "${v}" is not three limits in MiB, the first two different (e.g. 256,512,384)`);
    }
    return [limits[0], limits[1], limits[2]];
}

class HelpRequested extends Error {}

const USAGE =
    "Usage: npm run bench [-- --sizes 1,10,50,100,500] [--reps N] [--cold-reps N] [--heap-limits 256,512,384 | --no-heap-ceiling | --heap-only]\n" +
    "                     [--instructions] [--no-plan] [--no-api-calls] [--program DIR] [--out FILE | --no-write]\n" +
    "  --heap-limits A,B,C: bisect where the program and the plan run out of heap under A and B MiB of old space, fit, check under C.\n" +
    "  --heap-only: measure only the heap ceiling (about 15-30 min) and replace only its section of the results file.\n" +
    "  --instructions: count the evaluation's instructions under valgrind's callgrind, stack and flat baseline, at --sizes\n" +
    "    (default 50,500; 50-95 min on two cores) and replace only that section of the results file.\n" +
    "  --program DIR: evaluate a scratch copy of the program (index.ts, components/) against this checkout's baseline and tools.\n";

interface MeasureOptions {
    programRoot?: string;
}

async function measure(kind: ChildSpec["kind"], connections: number, planFile: string, tmp: string, o: MeasureOptions = {}): Promise<ChildResult> {
    const resultFile = path.join(tmp, `${kind}-${connections}-${Date.now()}.json`);
    const spec: ChildSpec = { kind, connections, planFile, resultFile, ...(o.programRoot ? { programRoot: o.programRoot } : {}) };
    await runNode(childArgs(), childEnv(spec));
    const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as ChildResult;
    fs.rmSync(resultFile, { force: true });
    return result;
}

/** The largest peak and the median live heap of some runs. */
function heapFigures(runs: readonly ChildResult[]): HeapFigures {
    return {
        peakMb: Math.max(...runs.map((r) => r.peakHeapMb)),
        liveMb: median(runs.map((r) => r.liveHeapMb)),
        startMb: median(runs.map((r) => r.startHeapMb)),
        peakAboveStartMb: Math.max(...runs.map((r) => r.peakHeapMb - r.startHeapMb)),
        liveAboveStartMb: median(runs.map((r) => r.liveHeapMb - r.startHeapMb)),
    };
}

function sameRegistrations(stack: ChildResult, baseline: ChildResult): string | undefined {
    const custom = (types: Record<string, number>, custom: number) => ({ types, custom });
    const s = custom(stack.types, stack.customResources);
    const b = custom(baseline.types, baseline.customResources);
    if (s.custom !== b.custom) return `baseline registered ${b.custom} custom resources, the stack ${s.custom}`;
    for (const [type, n] of Object.entries(b.types)) {
        if (s.types[type] !== n) return `baseline registered ${n} ${type}, the stack ${s.types[type] ?? 0}`;
    }
    return undefined;
}

/** The first run's frame counts, and whether every run of each kind counted the same. */
export function stackTraceFrames(
    stack: readonly ChildResult[],
    baseline: readonly ChildResult[],
    withComponents: readonly ChildResult[],
): Pick<SizeResult, "stackTraceFrames"> {
    const frames = (runs: readonly ChildResult[]) => runs.map((r) => r.stackTraces?.frames);
    const kinds = [frames(stack), frames(baseline), frames(withComponents)];
    if (kinds.some((k) => k.length === 0 || k.some((f) => f === undefined))) return {};
    const [s, b, c] = kinds as number[][];
    return {
        stackTraceFrames: { stack: s[0], baseline: b[0], withComponents: c[0], sameInEveryRun: kinds.every((k) => k.every((f) => f === k[0])) },
    };
}

async function measureSize(
    connections: number,
    reps: number,
    tmp: string,
    log: (s: string) => void,
    options: Pick<BenchOptions, "plan" | "programRoot">,
): Promise<{ size: SizeResult; types: Record<string, number> }> {
    const planFile = path.join(tmp, `plan-${connections}.json`);
    const stack: ChildResult[] = [];
    const baseline: ChildResult[] = [];
    const withComponents: ChildResult[] = [];
    for (let rep = 0; rep < reps; rep++) {
        // The stack goes first in the first run (it records the plan the twins register); later runs rotate the
        // order, so that a slow start after the previous process's exit (its heap handed back) is not always
        // charged to the same kind.
        const run = {
            stack: async () => stack.push(await measure("stack", connections, planFile, tmp, { programRoot: options.programRoot })),
            baseline: async () => baseline.push(await measure("baseline", connections, planFile, tmp)),
            components: async () => withComponents.push(await measure("components", connections, planFile, tmp)),
        };
        const order = (["stack", "baseline", "components"] as const).map((_, i, kinds) => kinds[(i + rep) % kinds.length]);
        for (const kind of order) await run[kind]();
        for (const twin of [baseline[rep], withComponents[rep]]) {
            const mismatch = sameRegistrations(stack[rep], twin);
            if (mismatch) throw new Error(`${connections} connections: the flat baseline (${twin.kind}) does not match the stack: ${mismatch}`);
        }
        if (withComponents[rep].components !== stack[rep].components) {
            throw new Error(
                `${connections} connections: the baseline with components registered ${withComponents[rep].components} components, the stack ${stack[rep].components}`,
            );
        }
        log(
            `  ${connections} connections, run ${rep + 1}/${reps}: stack ${Math.round(stack[rep].evalMs)} ms, baseline ${Math.round(baseline[rep].evalMs)} ms, ` +
                `baseline with the component tree ${Math.round(withComponents[rep].evalMs)} ms (stack / baseline ${(stack[rep].evalMs / baseline[rep].evalMs).toFixed(2)}x; order ${order.join(", ")})`,
        );
    }
    fs.rmSync(planFile, { force: true });
    let plan: ChildResult | undefined;
    if (options.plan) {
        plan = await measure("plan", connections, planFile, tmp);
        log(`  ${connections} connections, offline plan: ${Math.round(plan.evalMs)} ms, peak heap ${Math.round(plan.peakHeapMb)} MiB`);
    }
    const first = stack[0];
    return {
        size: {
            connections,
            resources: first.resources,
            customResources: first.customResources,
            components: first.components,
            stackMs: stack.map((r) => r.evalMs),
            baselineMs: baseline.map((r) => r.evalMs),
            withComponentsMs: withComponents.map((r) => r.evalMs),
            stackRssMb: Math.max(...stack.map((r) => r.peakRssMb)),
            baselineRssMb: Math.max(...baseline.map((r) => r.peakRssMb)),
            stackHeap: heapFigures(stack),
            baselineHeap: heapFigures(baseline),
            ...(plan ? { plan: { ms: plan.evalMs, rssMb: plan.peakRssMb, heap: heapFigures([plan]) } } : {}),
            loadMs: first.loadMs,
            footprint: first.footprint!,
            stateBytes: first.stateBytes,
            providerSerializations: first.providerSerializations,
            ...stackTraceFrames(stack, baseline, withComponents),
        },
        types: first.types,
    };
}

// Cold start children are plain JavaScript, so nothing is registered before what is measured.
const COLD_PULUMI = `
require("@pulumi/pulumi");
process.stdout.write(JSON.stringify(performance.now()));
`;

// What @pulumi/pulumi/cmd/run/run.js does for a TypeScript program (3.248.0), then the program itself with a
// one-connection config under Pulumi's mocks.
const COLD_PROGRAM = `
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const tsutils = require("@pulumi/pulumi/tsutils");
const tsConfigPath = process.env.PULUMI_NODEJS_TSCONFIG_PATH || path.join(process.cwd(), "tsconfig.json");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
const transpileOnly = env ? env === "true" : compilerOptions.noCheck;
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(typescriptRequire);
require(tsnodeRequire).register({
    compiler: typescriptRequire, transpileOnly, project: tsConfigPath, skipProject: false,
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
pulumi.runtime.setAllConfig(JSON.parse(process.env.BENCH_CONFIG), []);
pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.name + "-id", state: a.inputs }),
    call: (a) => a.inputs,
}, "auth0-entra-scim", "cold", true);
require(path.join(process.cwd(), "index"));
process.stdout.write(JSON.stringify(performance.now()));
// Measured when the program returned. Exiting before the mocks answer makes Pulumi's promise-leak check
// complain and set a failing exit code: the parent reads stdout whatever the code.
process.exit(0);
`;

/**
 * The program transpiled to JavaScript (index.ts and components/, with the project's compiler options) in `outDir`,
 * as a build step before `pulumi up` would leave it; returns the path of index.js.
 */
function transpileProgram(outDir: string, tsconfig: { compilerOptions?: Record<string, unknown> }): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const { options } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions ?? {}, ROOT);
    const files = ["index.ts"];
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) walk(rel);
            else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(rel);
        }
    };
    walk("components");
    for (const rel of files) {
        const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, rel), "utf8"), { compilerOptions: { ...options, sourceMap: false }, fileName: rel });
        const target = path.join(outDir, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, out.outputText);
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(outDir, "node_modules"), "dir");
    return path.join(outDir, "index.js");
}

const COLD_PRECOMPILED = `
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setAllConfig(JSON.parse(process.env.BENCH_CONFIG), []);
pulumi.runtime.setMocks({
    newResource: (a) => ({ id: a.name + "-id", state: a.inputs }),
    call: (a) => a.inputs,
}, "auth0-entra-scim", "cold", true);
require(process.env.BENCH_PROGRAM);
process.stdout.write(JSON.stringify(performance.now()));
process.exit(0);
`;

/**
 * How the Pulumi CLI's ts-node will transpile the program. Pulumi passes transpileOnly from
 * PULUMI_NODEJS_TRANSPILE_ONLY or compilerOptions.noCheck and leaves it unset otherwise, so tsconfig.json's
 * "ts-node" section decides; "swc" implies transpile-only (ts-node refuses it with transpileOnly false).
 */
export function cliTranspile(
    tsconfig: { compilerOptions?: { noCheck?: boolean }; "ts-node"?: { transpileOnly?: boolean; swc?: boolean } },
    env: NodeJS.ProcessEnv,
): CliTranspile {
    const tsNode = tsconfig["ts-node"] ?? {};
    // As @pulumi/pulumi's cmd/run/run.js decides: any non-empty value but "true" means false.
    const envValue = env.PULUMI_NODEJS_TRANSPILE_ONLY;
    const fromCli = envValue ? envValue === "true" : tsconfig.compilerOptions?.noCheck;
    if (tsNode.swc === true) {
        if (fromCli === false) {
            throw new Error(
                `${envValue ? `PULUMI_NODEJS_TRANSPILE_ONLY=${envValue}` : "compilerOptions.noCheck: false"} with tsconfig.json's ts-node swc: ` +
                    "ts-node refuses that pair, so the Pulumi CLI could not load the program; unset it (types are checked by npm test).",
            );
        }
        return "swc";
    }
    if (fromCli !== undefined) return fromCli ? "transpile-only" : "type-check";
    return tsNode.transpileOnly === true ? "transpile-only" : "type-check";
}

async function measureCold(reps: number, tmp: string, log: (s: string) => void): Promise<ColdResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const tsconfig = ts.parseConfigFileTextToJson(TSCONFIG, fs.readFileSync(TSCONFIG, "utf8")).config as Parameters<typeof cliTranspile>[0];
    const config = JSON.stringify(
        Object.fromEntries(Object.entries(generateStackConfig(1).pulumiConfig).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
    );
    const program = transpileProgram(path.join(tmp, "precompiled"), tsconfig as { compilerOptions?: Record<string, unknown> });
    const env: NodeJS.ProcessEnv = { ...process.env, BENCH_CONFIG: config, BENCH_PROGRAM: program };
    delete env.TS_NODE_PROJECT;
    const cold: ColdResult = {
        pulumiMs: [],
        programMs: [],
        programTranspileOnlyMs: [],
        programPrecompiledMs: [],
        cliTranspile: cliTranspile(tsconfig, process.env),
    };
    for (let rep = 0; rep < reps; rep++) {
        // Interleaved, so a slow moment of the machine hits all three alike.
        cold.pulumiMs.push(Number(await runNode(["-e", COLD_PULUMI], env)));
        cold.programMs.push(Number(await runNode(["-e", COLD_PROGRAM], env, true)));
        cold.programTranspileOnlyMs.push(Number(await runNode(["-e", COLD_PROGRAM], { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" }, true)));
        cold.programPrecompiledMs.push(Number(await runNode(["-e", COLD_PRECOMPILED], env, true)));
        log(
            `  cold start ${rep + 1}/${reps}: @pulumi/pulumi ${Math.round(cold.pulumiMs[rep])} ms, program ${Math.round(cold.programMs[rep])} ms, ` +
                `transpile-only ${Math.round(cold.programTranspileOnlyMs[rep])} ms, precompiled ${Math.round(cold.programPrecompiledMs[rep])} ms`,
        );
    }
    return cold;
}

function git(args: string[]): string {
    try {
        return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
        return "";
    }
}

/** Where, when and from what a measurement ran. */
function provenance(started: number): Pick<HeapCeilingRun, "date" | "machine" | "commit" | "durationS" | "command"> {
    const dirty = git(["status", "--porcelain", "--", "index.ts", "components", "tools"]);
    const cpus = os.cpus();
    return {
        date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        machine: {
            cpu: cpus[0]?.model.trim() ?? "unknown",
            cores: cpus.length,
            memoryGiB: os.totalmem() / 2 ** 30,
            heapLimitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20,
            loadAverage: os.loadavg()[0],
            node: process.version,
            platform: `${os.platform()} ${os.release()}`,
        },
        commit: `${git(["rev-parse", "--short", "HEAD"]) || "unknown"}${dirty ? " with uncommitted changes to the program or tools" : ""}`,
        durationS: (Date.now() - started) / 1000,
        command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    };
}

async function measureCeiling(
    options: Pick<BenchOptions, "plan" | "programRoot">,
    [low, high, check]: [number, number, number],
    tmp: string,
    log: (s: string) => void,
): Promise<HeapCeilingRun> {
    const started = Date.now();
    const result = await measureHeapCeiling(
        {
            ...HEAP_CEILING_DEFAULTS,
            fitLimitsMb: [low, high],
            checkLimitMb: check,
            kinds: options.plan ? ["stack", "plan"] : ["stack"],
            ...(options.programRoot ? { programRoot: options.programRoot } : {}),
        },
        tmp,
        log,
    );
    return { result, ...provenance(started) };
}

/** --heap-only: the heap ceiling alone, in its own temporary directory. */
async function runHeapOnly(options: BenchOptions, log: (s: string) => void): Promise<HeapCeilingRun> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-heap-"));
    try {
        return await measureCeiling(options, options.heapLimitsMb!, tmp, log);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** --instructions: the evaluation's instructions under callgrind, two processes at a time (counts ignore load). */
async function runInstructions(options: BenchOptions, log: (s: string) => void): Promise<InstructionRun> {
    const started = Date.now();
    const valgrind = valgrindVersion();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-instructions-"));
    try {
        const sizes = [];
        for (const n of options.sizes) sizes.push(await countSize(n, tmp, log, Math.min(2, os.cpus().length), options.programRoot));
        return { sizes, valgrind, ...provenance(started) };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

const INSTRUCTIONS_HEADING = "## Evaluation instructions";

/** Puts the instruction section into a RESULTS.md: in place of an older one, else before the heap ceiling or API calls. */
function withInstructions(markdown: string, section: readonly string[]): string {
    const before = markdown.split("\n").includes("## Heap ceiling") ? "## Heap ceiling" : "## API calls";
    return replaceSection(markdown, INSTRUCTIONS_HEADING, section, before);
}

/** A full run's RESULTS.md keeps the sections it did not measure (each says when and at which commit it was). */
export function carrySections(old: string, fresh: string, report: Pick<BenchReport, "heapCeiling">): string {
    let text = fresh;
    const heap = report.heapCeiling ? undefined : sectionOf(old, "## Heap ceiling");
    if (heap) text = replaceHeapSection(text, heap);
    const instructions = sectionOf(old, INSTRUCTIONS_HEADING);
    if (instructions) text = withInstructions(text, instructions);
    return text;
}

function writeSection(out: string | undefined, section: string[], put: (old: string, section: string[]) => string, what: string): void {
    process.stdout.write(`\n${section.join("\n")}\n`);
    if (!out) return;
    const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    fs.writeFileSync(out, put(old, section));
    process.stdout.write(`Replaced the ${what} section of ${path.relative(process.cwd(), out) || out}\n`);
}

export async function runBench(options: BenchOptions, log: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<BenchReport> {
    const started = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    try {
        const sizes: SizeResult[] = [];
        let types: Record<string, number> = {};
        for (const n of options.sizes) {
            const measured = await measureSize(n, options.reps ?? (n <= 100 ? 3 : 2), tmp, log, options);
            sizes.push(measured.size);
            types = measured.types;
        }
        const heapCeiling = options.heapLimitsMb ? await measureCeiling(options, options.heapLimitsMb, tmp, log) : undefined;
        const apiCalls = options.apiCalls ? await countApiCalls() : undefined;
        const tokenRequests = options.apiCalls ? await countTokenRequests(TOKEN_CONNECTIONS, TOKEN_TENANTS) : undefined;
        const cold = await measureCold(options.coldReps, tmp, log);
        return {
            ...provenance(started),
            sizes,
            cold,
            ...(heapCeiling ? { heapCeiling } : {}),
            ...(apiCalls ? { apiCalls } : {}),
            ...(tokenRequests ? { tokenRequests } : {}),
            types,
        };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

if (require.main === module) {
    let options: BenchOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (err) {
        if (err instanceof HelpRequested) {
            process.stdout.write(USAGE);
            process.exit(0);
        }
        process.stderr.write(`${(err as Error).message}\n${USAGE}`);
        process.exit(2);
    }
    const failed = (err: unknown) => {
        process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
    };
    const log = (s: string) => process.stderr.write(`${s}\n`);
    if (options.instructions) {
        runInstructions(options, log).then((run) => {
            writeSection(options.out, formatInstructions(run), withInstructions, "evaluation instructions");
            process.exit(0);
        }, failed);
    } else if (options.heapOnly) {
        runHeapOnly(options, log).then((run) => {
            writeSection(options.out, formatHeapCeiling(run), replaceHeapSection, "heap ceiling");
            process.exit(0);
        }, failed);
    } else
        runBench(options).then((report) => {
            process.stdout.write(
                [
                    "",
                    formatSizeTable(report.sizes),
                    "",
                    ...(report.cold ? [formatColdTable(report.cold), ""] : []),
                    formatTargets(evaluateTargets(report.sizes, report.cold)),
                    "",
                    ...formatScaleSections(report),
                    "",
                ].join("\n"),
            );
            if (options.out) {
                const old = fs.existsSync(options.out) ? fs.readFileSync(options.out, "utf8") : "";
                fs.writeFileSync(options.out, carrySections(old, renderResults(report), report));
                process.stdout.write(`Wrote ${path.relative(process.cwd(), options.out) || options.out}\n`);
            }
            process.exit(0);
        }, failed);
}
