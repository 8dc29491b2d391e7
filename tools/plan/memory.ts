// Memory the offline plan needs per connection: a benchmark script that prints figures (not a test).
// npx ts-node --project tsconfig.json tools/plan/memory.ts [--sizes 50,200,400]
// Each size runs the real plan (tools/plan/plan.ts) on a generated stack (tools/bench/generate.ts) in a fresh process,
// then reports the largest heap in use and the largest committed heap while it ran (sampled every 100 ms), the heap still
// in use after a full garbage collection at the end, the peak RSS and the process's heap limit.
// The slope of the committed heap between sizes is the per-connection figure of capacity.ts: V8 commits heap as the
// live data grows, and the samples of heap in use miss the peaks (timers do not fire inside the SDK's long promise
// chains), so the committed heap is the figure that tracks what the process needed.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as YAML from "yaml";
import { generateStackConfig } from "../bench/generate";
import { PLAN_HEAP_MIB_BASE, PLAN_HEAP_MIB_PER_CONNECTION } from "./capacity";
import { runPlan } from "./plan";

const ROOT = path.resolve(__dirname, "..", "..");
const MIB = 2 ** 20;

interface Sample {
    connections: number;
    resources: number;
    peakHeapMiB: number;
    /** Largest committed heap (what V8 holds from the OS for the heap) while the plan ran. */
    peakHeapTotalMiB: number;
    /** Largest memory outside the JS heap (Buffers, native) while the plan ran. */
    peakExternalMiB: number;
    retainedMiB: number;
    peakRssMiB: number;
    heapLimitMiB: number;
    seconds: number;
}

async function child(connections: number, dir: string): Promise<Sample> {
    const file = path.join(dir, `Pulumi.mem-${connections}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config: generateStackConfig(connections).pulumiConfig }));
    let peak = 0;
    let peakTotal = 0;
    let peakExternal = 0;
    const sample = () => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed);
        peakTotal = Math.max(peakTotal, m.heapTotal);
        peakExternal = Math.max(peakExternal, m.external);
    };
    const sampler = setInterval(sample, 100);
    const start = performance.now();
    const result = await runPlan({ configFile: file });
    const seconds = (performance.now() - start) / 1000;
    sample();
    clearInterval(sampler);
    (globalThis as { gc?: () => void }).gc?.();
    const heap = v8.getHeapStatistics();
    return {
        connections,
        resources: result.monitor.recorded.length,
        peakHeapMiB: peak / MIB,
        peakHeapTotalMiB: peakTotal / MIB,
        peakExternalMiB: peakExternal / MIB,
        retainedMiB: heap.used_heap_size / MIB,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
        heapLimitMiB: heap.heap_size_limit / MIB,
        seconds,
    };
}

function measure(connections: number, dir: string): Sample {
    const bin = require.resolve("ts-node/dist/bin.js");
    const res = spawnSync(
        process.execPath,
        ["--expose-gc", bin, "--project", path.join(ROOT, "tsconfig.json"), __filename, "--child", String(connections), dir],
        {
            cwd: ROOT,
            encoding: "utf8",
            maxBuffer: 16 * MIB,
        },
    );
    if (res.status !== 0) throw new Error(`${connections} connections: exit ${res.status}\n${res.stderr}`);
    return JSON.parse(res.stdout.trim().split("\n").pop()!) as Sample;
}

function main(argv: string[]): void {
    const sizesFlag = argv.indexOf("--sizes");
    const sizes = (sizesFlag >= 0 ? argv[sizesFlag + 1] : "50,200,400").split(",").map(Number);
    if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes needs two or more whole numbers, e.g. 50,200,400");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-memory-"));
    try {
        const samples = sizes.map((n) => measure(n, dir));
        process.stdout.write(`Node ${process.version}, ${os.cpus().length} cores, heap limit ${samples[0].heapLimitMiB.toFixed(0)} MiB\n\n`);
        process.stdout.write("connections  resources  peak heap used / committed  external  heap after GC  peak RSS   time\n");
        for (const s of samples) {
            process.stdout.write(
                `${String(s.connections).padStart(11)}  ${String(s.resources).padStart(9)}  ${s.peakHeapMiB.toFixed(0).padStart(5)} / ${s.peakHeapTotalMiB.toFixed(0).padStart(5)} MiB  ${s.peakExternalMiB.toFixed(0).padStart(4)} MiB  ${s.retainedMiB.toFixed(0).padStart(9)} MiB  ${s.peakRssMiB.toFixed(0).padStart(5)} MiB  ${s.seconds.toFixed(1).padStart(5)} s\n`,
            );
        }
        const [first, last] = [samples[0], samples[samples.length - 1]];
        const slope = (f: (s: Sample) => number) => (f(last) - f(first)) / (last.connections - first.connections);
        const peakSlope = slope((s) => s.peakHeapMiB);
        const heapSlope = slope((s) => s.retainedMiB);
        const totalSlope = slope((s) => s.peakHeapTotalMiB);
        const rssSlope = slope((s) => s.peakRssMiB);
        process.stdout.write(
            `\nper connection: ${totalSlope.toFixed(2)} MiB of committed heap (intercept ${(first.peakHeapTotalMiB - totalSlope * first.connections).toFixed(0)} MiB), ` +
                `${peakSlope.toFixed(2)} MiB of sampled heap in use, ${heapSlope.toFixed(2)} MiB of heap after GC, ${rssSlope.toFixed(2)} MiB of peak RSS\n` +
                `capacity.ts uses ${PLAN_HEAP_MIB_PER_CONNECTION} MiB per connection + ${PLAN_HEAP_MIB_BASE} MiB\n`,
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module) {
    const i = process.argv.indexOf("--child");
    if (i >= 0) {
        child(Number(process.argv[i + 1]), process.argv[i + 2]).then(
            (s) => {
                process.stdout.write(`\n${JSON.stringify(s)}\n`);
                process.exit(0);
            },
            (err: unknown) => {
                process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
                process.exit(1);
            },
        );
    } else {
        main(process.argv.slice(2));
    }
}
