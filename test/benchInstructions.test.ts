// The instruction count's pure parts (tools/bench/instructions.ts) and how its section enters RESULTS.md.
// No count is asserted here: figures come from `npm run bench -- --instructions`.
import { describe, expect, it } from "vitest";
import { evaluation, formatInstructions, type InstructionRun, instructionTargets, parseCollected, type SizeInstructions } from "../tools/bench/instructions";
import { replaceSection, sectionOf } from "../tools/bench/markdown";
import { carrySections, parseArgs } from "../tools/bench/run";

const size = (connections: number, stackEval: number, baselineEval: number): SizeInstructions => ({
    connections,
    stack: { load: 4e9, full: 4e9 + stackEval },
    baseline: { load: 3e9, full: 3e9 + baselineEval },
});

const run = (sizes: SizeInstructions[]): InstructionRun => ({
    sizes,
    valgrind: "valgrind-3.19.0",
    date: "2026-12-07T23:00:00Z",
    machine: { cpu: "AMD EPYC", cores: 2, memoryGiB: 23.5, heapLimitMb: 4144, node: "v20.20.2", platform: "linux" },
    commit: "abc1234",
    durationS: 2700,
    command: "npm run bench -- --instructions",
});

describe("callgrind's count", () => {
    it("is read from the summary line valgrind prints at exit", () => {
        const stderr = "==1851== Events    : Ir\n==1851== Collected : 34146751822\n==1851== \n==1851== I   refs:      34,146,751,822\n";
        expect(parseCollected(stderr)).toBe(34146751822);
    });

    it("is missing when the process died before valgrind summed up", () => {
        expect(parseCollected("FATAL ERROR: Reached heap limit\n")).toBeUndefined();
    });

    it("of the evaluation is the whole process less the one that stopped where the evaluation starts", () => {
        expect(evaluation({ load: 3_000, full: 10_000 })).toBe(7_000);
    });
});

describe("instruction targets", () => {
    it("judge the stack against the baseline at 500 and the growth from 50 to 500", () => {
        const [ratio, growth] = instructionTargets([size(50, 10e9, 9e9), size(500, 100e9, 90e9)]);
        expect(ratio).toMatchObject({ shown: "1.111x", met: true });
        expect(growth).toMatchObject({ shown: "10.00", met: true });
    });

    it("say by how much a target is missed", () => {
        const [ratio, growth] = instructionTargets([size(50, 10e9, 9e9), size(500, 120e9, 90e9)]);
        expect(ratio.met).toBe(false);
        expect(ratio.missBy).toBeCloseTo(1.3333 / 1.15 - 1, 3);
        expect(growth).toMatchObject({ shown: "12.00", met: false });
    });

    it("are not judged without the sizes they need", () => {
        expect(instructionTargets([size(1, 2e9, 1e9)]).map((t) => t.shown)).toEqual(["not measured", "not measured"]);
    });

    it("print with the measured figure and verdict", () => {
        const text = formatInstructions(run([size(50, 10e9, 9e9), size(500, 120e9, 90e9)])).join("\n");
        expect(text).toContain("| 500 | 4.00G | 120.00G | 3.00G | 90.00G | 1.333x |");
        expect(text).toContain("| 500 connections: stack evaluation instructions <= 1.15x the flat baseline's | 1.333x | MISSED by 16% |");
        expect(text).toContain("grows 12.00-fold for the stack and 10.00-fold for the flat baseline");
    });
});

describe("RESULTS.md sections", () => {
    const results = ["# Benchmark results", "", "## Per size", "", "old", "## Heap ceiling", "", "heap", "## API calls", "", "calls", ""].join("\n");

    it("a new section goes before the named heading; an old one is replaced in place", () => {
        const once = replaceSection(results, "## Evaluation instructions", ["## Evaluation instructions", "", "first", ""], "## Heap ceiling");
        expect(once.indexOf("first")).toBeLessThan(once.indexOf("## Heap ceiling"));
        const twice = replaceSection(once, "## Evaluation instructions", ["## Evaluation instructions", "", "second", ""], "## Heap ceiling");
        expect(twice).not.toContain("first");
        expect(sectionOf(twice, "## Evaluation instructions")).toEqual(["## Evaluation instructions", "", "second", ""]);
    });

    it("a full run keeps the instruction and heap sections it did not measure", () => {
        const old = replaceSection(results, "## Evaluation instructions", ["## Evaluation instructions", "", "counted", ""], "## Heap ceiling");
        const fresh = ["# Benchmark results", "", "## Per size", "", "new", "## API calls", "", "calls", ""].join("\n");
        const text = carrySections(old, fresh, {});
        expect(text).toContain("new");
        expect(text).toContain("counted");
        expect(text.indexOf("counted")).toBeLessThan(text.indexOf("## Heap ceiling"));
        expect(sectionOf(text, "## Heap ceiling")).toEqual(["## Heap ceiling", "", "heap"]);
    });

    it("a full run that measured the heap ceiling keeps its own", () => {
        const fresh = ["# Benchmark results", "", "## Heap ceiling", "", "measured now", "## API calls", ""].join("\n");
        const text = carrySections(results, fresh, { heapCeiling: {} as never });
        expect(sectionOf(text, "## Heap ceiling")).toEqual(["## Heap ceiling", "", "measured now"]);
    });
});

describe("npm run bench -- --instructions", () => {
    it("counts at 50 and 500 unless sizes are given", () => {
        expect(parseArgs(["--instructions"])).toMatchObject({ instructions: true, sizes: [50, 500] });
        expect(parseArgs(["--instructions", "--sizes", "10"])).toMatchObject({ sizes: [10] });
        expect(parseArgs([]).instructions).toBe(false);
    });

    it("is refused together with --heap-only", () => {
        expect(() => parseArgs(["--instructions", "--heap-only"])).toThrow(/one after the other/);
    });
});
