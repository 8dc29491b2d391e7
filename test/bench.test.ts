// The benchmark's pure parts: generated configs, the flat plan, the custom-provider footprint, the targets'
// verdicts and the tables. No timing is asserted here (figures come from `npm run bench`).
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../components/config";
import type { RecordedResource } from "../tools/plan/simulation";
import { generateStackConfig, isAuth0Only, tenantCount } from "../tools/bench/generate";
import { flatClasses, registerFlat, sdkClass, setFlatProgram, takeFlatProgram, toFlatPlan } from "../tools/bench/baseline";
import { type ChildResult, countStackTraces } from "../tools/bench/child";
import { settle, simulate } from "../tools/plan/simulation";
import {
    type ColdResult,
    type SizeResult,
    baselineGap,
    evaluateTargets,
    runSpread,
    missedBy,
    formatColdTable,
    formatSizeTable,
    perConnectionCosts,
    median,
    providerFootprint,
    renderResults,
} from "../tools/bench/report";
import { cliTranspile, parseArgs, stackTraceFrames } from "../tools/bench/run";
import {
    type LimitRun,
    bracketOf,
    bracketWidth,
    ceilingConnections,
    checkCounts,
    defaultHeapLimit,
    failurePoint,
    fitHeapModel,
    modelFromFailures,
    nextCount,
    predictionHolds,
} from "../tools/bench/heap";
import type { HeapCeilingResult } from "../tools/bench/heapCeiling";
import { formatApiCalls, formatHeapCeiling, planWarnsFrom, replaceHeapSection } from "../tools/bench/scaleReport";
import { capacityWarning, estimateCapacity } from "../tools/plan/capacity";
import {
    OPERATIONS,
    classifyAuth0,
    classifyGraph,
    emptyTally,
    evaluateCallTargets,
    onDemandFloorSeconds,
    onDemandSubjects,
    operationCalls,
    rateLimitFloorSeconds,
    refreshCalls,
} from "../tools/bench/apiBudget";
import { countApiCalls } from "../tools/bench/apiCalls";
import { countTokenRequests } from "../tools/bench/tokenRequests";
import { tokenTargets } from "../tools/bench/scaleReport";

describe("generated stack configs", () => {
    for (const n of [1, 10, 50, 100, 500]) {
        it(`${n} connection(s): valid for parseStackConfig, with the mix it announces`, () => {
            const g = generateStackConfig(n);
            const s = parseStackConfig(g.raw);
            expect(s.connections).toHaveLength(n);
            const managed = s.connections.filter((c) => c.entra);
            expect(managed).toHaveLength(g.expected.managed);
            expect(s.connections.length - managed.length).toBe(g.expected.auth0Only);
            expect(new Set(managed.map((c) => c.entra!.tenantId)).size).toBe(g.expected.tenants);
            expect(new Set(managed.filter((c) => c.entra!.tenantIdFromConnection).map((c) => c.entra!.tenantId)).size).toBe(g.expected.connectionTenants);
            expect(managed.reduce((k, c) => k + c.entra!.assignments.users.length, 0)).toBe(g.expected.userAssignments);
            expect(managed.reduce((k, c) => k + c.entra!.assignments.groups.length, 0)).toBe(g.expected.groupAssignments);
            // The Pulumi config view carries the same connections.
            expect(g.pulumiConfig["auth0-entra-scim:connections"]).toBe(g.raw.connections);
        });
    }

    it("is a realistic mix: a tenth Auth0-only, several tenants, each tenant used", () => {
        const g = generateStackConfig(500);
        expect(g.expected.auth0Only).toBe(50);
        expect(g.expected.tenants).toBe(tenantCount(500));
        expect(g.expected.tenants).toBeGreaterThan(5);
        expect(g.expected.connectionTenants).toBe(g.expected.tenants - 1);
        expect(isAuth0Only(9)).toBe(true);
        expect(isAuth0Only(8)).toBe(false);
    });

    it("is deterministic and refuses nonsense sizes", () => {
        expect(JSON.stringify(generateStackConfig(20))).toBe(JSON.stringify(generateStackConfig(20)));
        expect(() => generateStackConfig(0)).toThrow(/positive integer/);
        expect(tenantCount(1)).toBe(1);
        expect(tenantCount(10_000)).toBe(10);
    });
});

function rec(partial: Partial<RecordedResource> & Pick<RecordedResource, "type" | "name" | "urn">): RecordedResource {
    return {
        id: `${partial.name}-id`,
        custom: true,
        parent: "",
        dependencies: [],
        propertyDependencies: {},
        inputs: {},
        displayInputs: {},
        secretPaths: [],
        provider: "",
        additionalSecretOutputs: [],
        ignoreChanges: [],
        deleteBeforeReplace: false,
        aliases: [],
        state: {},
        ...partial,
    };
}

const urn = (t: string, n: string) => `urn:pulumi:bench::auth0-entra-scim::${t}::${n}`;

describe("flat plan from a recording", () => {
    const recorded = [
        rec({ type: "auth0-entra-scim:index:ScimConnection", name: "c", urn: urn("ScimConnection", "c"), custom: false }),
        rec({ type: "pulumi:providers:azuread", name: "azuread-t", urn: urn("pulumi:providers:azuread", "azuread-t"), inputs: { tenantId: "t" } }),
        rec({
            type: "azuread:index/servicePrincipal:ServicePrincipal",
            name: "sp",
            urn: urn("sp", "sp"),
            parent: urn("ScimConnection", "c"),
            provider: `${urn("pulumi:providers:azuread", "azuread-t")}::azuread-t-id`,
            inputs: { clientId: "x" },
        }),
        rec({
            type: "azuread:index/synchronizationSecret:SynchronizationSecret",
            name: "secret",
            urn: urn("secret", "secret"),
            inputs: { servicePrincipalId: "sp-id", credentials: [{ key: "SecretToken", value: "tok" }] },
            secretPaths: ["credentials"],
            propertyDependencies: { servicePrincipalId: [urn("sp", "sp")], credentials: [] },
            dependencies: [urn("sp", "sp"), urn("ScimConnection", "c")],
        }),
        rec({
            type: "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisioningStatus",
            name: "status",
            urn: urn("status", "status"),
            inputs: { __provider: "exports.handler = __f0;", enabled: true },
            dependencies: [urn("secret", "secret")],
            propertyDependencies: { __provider: [], enabled: [] },
            additionalSecretOutputs: ["x"],
            ignoreChanges: ["enabled"],
        }),
    ];

    it("drops components and serialized providers, and wires inputs, dependsOn and providers by index", () => {
        const plan = toFlatPlan(recorded, [{ token: "azuread:index/getApplication:getApplication", inputs: { objectId: "o" } }]);
        expect(plan.resources.map((r) => r.name)).toEqual(["azuread-t", "sp", "secret", "status"]);
        expect(plan.resources[1].provider).toBe(0);
        expect(plan.resources[2]).toMatchObject({ inputSources: { servicePrincipalId: [1] }, dependsOn: [], secretKeys: ["credentials"] });
        expect(plan.resources[3]).toMatchObject({ inputs: { enabled: true }, dependsOn: [2], additionalSecretOutputs: ["x"], ignoreChanges: ["enabled"] });
        expect(plan.resources[3].inputs).not.toHaveProperty("__provider");
        expect(plan.calls).toHaveLength(1);
        // The component tree, for the baseline variant that keeps it: the service principal was created in c.
        expect(plan.components).toEqual([{ type: "auth0-entra-scim:index:ScimConnection", name: "c" }]);
        expect(plan.resources[1].parent).toBe(0);
        expect(plan.resources[0].parent).toBeUndefined();
    });

    it("registers the same resources with or without the component tree", async () => {
        const plan = toFlatPlan(recorded, []);
        for (const withComponents of [false, true]) {
            const monitor = await simulate({ stack: "bench", preview: true });
            registerFlat(plan, undefined, withComponents);
            await settle();
            const got = monitor.recorded;
            expect(got.filter((r) => r.custom).map((r) => r.name)).toEqual(["azuread-t", "sp", "secret", "status"]);
            const components = got.filter((r) => !r.custom);
            expect(components.map((r) => r.type)).toEqual(withComponents ? ["auth0-entra-scim:index:ScimConnection"] : []);
            const sp = got.find((r) => r.name === "sp")!;
            if (withComponents) expect(sp.parent).toBe(components[0].urn);
            else expect(sp.parent).not.toContain("ScimConnection");
        }
    });

    it("registers the plan when required, under the module's own frames as a program's, and only with a plan set", async () => {
        expect(() => takeFlatProgram()).toThrow("tools/bench/flatProgram is required by the bench child after setFlatProgram()");
        const plan = toFlatPlan(recorded, []);
        const monitor = await simulate({ stack: "bench", preview: true });
        setFlatProgram({ plan, classes: flatClasses(plan), withComponents: false });
        expect(() => setFlatProgram({ plan, classes: flatClasses(plan), withComponents: false })).toThrow("a flat program is already set");
        // Pulumi records each resource's call stack (Resource.callsites): a module's evaluation must be on it, as the
        // evaluation of index.ts is on the stack's.
        // Resource.callsites is internal to the SDK (private in its typings), hence the cast.
        const sdk = pulumi.Resource as unknown as { callsites(): { file?: string }[] };
        const files: string[] = [];
        const callsites = sdk.callsites;
        sdk.callsites = () => {
            const sites = callsites.call(sdk);
            files.push(...sites.map((site) => site.file ?? ""));
            return sites;
        };
        try {
            const program = await import("../tools/bench/flatProgram");
            expect(program.resources).toHaveLength(plan.resources.length);
        } finally {
            sdk.callsites = callsites;
        }
        await settle();
        // Made while a module was being evaluated: here Vitest's module evaluator is on the stack (under the CLI it is
        // Node's loader and ts-node); a test calling registerFlat itself would show only the test runner.
        expect(files.some((f) => f.endsWith(path.join("tools", "bench", "baseline.ts")))).toBe(true);
        expect(files.some((f) => /vitest\/dist\/module-evaluator\.js$/.test(f))).toBe(true);
        expect(monitor.recorded.filter((r) => r.custom).map((r) => r.name)).toEqual(["azuread-t", "sp", "secret", "status"]);
        // The input was taken: the plan cannot be registered a second time from it.
        expect(() => takeFlatProgram()).toThrow();
    });

    it("makes provider packages' resources with their own classes, dynamic ones without", () => {
        expect(sdkClass("azuread:index/servicePrincipal:ServicePrincipal")).toBeDefined();
        expect((sdkClass("azuread:index/servicePrincipal:ServicePrincipal") as unknown as { __pulumiType: string }).__pulumiType).toBe(
            "azuread:index/servicePrincipal:ServicePrincipal",
        );
        expect(sdkClass("pulumi:providers:azuread")).toBeDefined();
        expect(sdkClass("auth0:index/connection:Connection")).toBeDefined();
        expect(sdkClass("pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken")).toBeUndefined();
        expect(sdkClass("azuread:index/noSuchThing:NoSuchThing")).toBeUndefined();
    });
});

describe("stack-trace counter", () => {
    it("counts each formatted trace and its frames through the installed hook, and puts the hook back", () => {
        const before = Error.prepareStackTrace;
        const counter = countStackTraces();
        expect(counter).toBeDefined();
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 50;
        const depth = (n: number): string | undefined => (n === 0 ? new Error("x").stack : depth(n - 1));
        const stack = depth(6);
        Error.stackTraceLimit = limit;
        expect(stack).toContain("Error: x");
        const { traces, frames } = counter!.counted();
        expect(traces).toBe(1);
        expect(frames).toBeGreaterThanOrEqual(7);
        counter!.stop();
        expect(Error.prepareStackTrace).toBe(before);
        void new Error("y").stack;
        expect(counter!.counted().traces).toBe(1);
    });
});

describe("custom-provider footprint", () => {
    it("sums the serialized providers of dynamic resources, as inputs and in state (inputs and outputs, JSON-encoded)", () => {
        const text = 'exports.handler = __f0;\nfunction __f0() { return "x"; }';
        const other = "exports.handler = __f1;";
        const f = providerFootprint([
            { type: "pulumi-nodejs:dynamic/p:A", custom: true, inputs: { __provider: text }, state: { __provider: text } },
            { type: "pulumi-nodejs:dynamic/p:A", custom: true, inputs: { __provider: text }, state: {} },
            { type: "pulumi-nodejs:dynamic/p:B", custom: true, inputs: { __provider: other }, state: { __provider: other } },
            { type: "azuread:index/x:X", custom: true, inputs: { a: 1 }, state: {} },
        ]);
        expect(f.dynamicResources).toBe(3);
        expect(f.inputBytes).toBe(2 * text.length + other.length);
        // State counts the JSON-escaped text (text has quotes and a newline, so the two lengths differ).
        expect(f.stateBytes).toBe(3 * JSON.stringify(text).length + 2 * JSON.stringify(other).length);
        expect(f.distinct).toBe(2);
        expect(f.byType["pulumi-nodejs:dynamic/p:A"]).toEqual({ count: 2, inputBytes: 2 * text.length, distinct: 1 });
    });
});

function size(
    connections: number,
    stackMs: number[],
    baselineMs: number[],
    providerStateBytes = 5_000 * connections,
    withComponentsMs = baselineMs.map((ms) => ms * 1.1),
): SizeResult {
    return {
        connections,
        resources: connections * 20,
        customResources: connections * 16,
        components: connections * 4,
        stackMs,
        baselineMs,
        withComponentsMs,
        stackRssMb: 100 + connections,
        baselineRssMb: 90 + connections,
        stackHeap: { peakMb: 60 + 2 * connections, liveMb: 40 + connections },
        baselineHeap: { peakMb: 55 + 2 * connections, liveMb: 38 + connections },
        plan: { ms: 1000, rssMb: 120 + connections, heap: { peakMb: 70 + 3 * connections, liveMb: 45 + connections } },
        loadMs: 200,
        stateBytes: 40_000 * connections,
        providerSerializations: connections * 3,
        footprint: { dynamicResources: connections * 3, inputBytes: providerStateBytes / 2, stateBytes: providerStateBytes, distinct: 3, byType: {} },
    };
}

const cold = (pulumi: number, program: number): ColdResult => ({
    pulumiMs: [pulumi, pulumi + 10, pulumi - 10],
    programMs: [program],
    programTranspileOnlyMs: [program / 2],
    programPrecompiledMs: [pulumi],
    cliTranspile: "type-check",
});

describe("targets", () => {
    it("are met within the limits", () => {
        const t = evaluateTargets([size(50, [1000], [900]), size(500, [9_700, 10_000, 10_400], [8_800])], cold(400, 790));
        expect(t.map((x) => [x.id, x.met])).toEqual([
            ["baselineRatio", true],
            ["linearGrowth", true],
            ["heapRatio", true],
            ["providerBytesPerConnection", true],
            ["coldStartRatio", true],
        ]);
        expect(t[0].value).toBeCloseTo(10_000 / 8_800);
        expect(t[1].value).toBeCloseTo(10);
        expect(t[2].value).toBeCloseTo(1060 / 1055);
    });

    it("judge the heap above what each side held before it started, not the input it holds (the baseline's parsed plan)", () => {
        const big = size(500, [10_000], [9_000]);
        // The baseline starts with its plan parsed (300 MiB), the stack with its generated config (100 MiB).
        big.stackHeap = { peakMb: 1200, liveMb: 300, startMb: 100, peakAboveStartMb: 1100, liveAboveStartMb: 200 };
        big.baselineHeap = { peakMb: 1250, liveMb: 450, startMb: 300, peakAboveStartMb: 950, liveAboveStartMb: 150 };
        const heap = evaluateTargets([size(50, [1000], [900]), big]).find((x) => x.id === "heapRatio")!;
        expect(heap.value).toBeCloseTo(1100 / 950);
        expect(heap.met).toBe(false);
        expect(heap.shown).toBe("1.158x (1100 vs 950 MiB above the start)");
        expect(heap.why).toContain("whole heap at its peak 1200 vs 1250 MiB, of which held before the evaluation 100 vs 300 MiB");
        expect(heap.why).toContain("live after a full collection, above the start: 200 vs 150 MiB (1.33x)");
    });

    it("say a near miss as a near miss, never 'by 0%'", () => {
        expect(missedBy(0.54)).toBe("54%");
        expect(missedBy(0.0002)).toBe("0.02%");
        expect(missedBy(0.000001)).toBe("0.01%");
    });

    it("are missed with the excess over the limit", () => {
        const t = evaluateTargets([size(50, [1000], [900], 12_000 * 50), size(500, [13_000], [6_500])], cold(400, 2_000));
        const by = Object.fromEntries(t.map((x) => [x.id, x]));
        expect(by.baselineRatio.met).toBe(false);
        expect(by.baselineRatio.missBy).toBeCloseTo(2 / 1.15 - 1);
        // 13,000 ms over a 6,500 ms baseline; the baseline with components took 7,150 ms (size()'s default, 1.1x).
        expect(by.baselineRatio.why).toContain("of the 100% over the baseline, the component tree (2000 components, 4.0 per connection) takes 10%");
        expect(by.baselineRatio.why).toContain("the rest of the program 90%");
        expect(by.linearGrowth.met).toBe(false);
        expect(by.linearGrowth.missBy).toBeCloseTo(13 / 10.5 - 1);
        expect(by.linearGrowth.why).toContain("the flat baseline grows 7.22x");
        // The worst size counts: 12 KB per connection at 50.
        expect(by.providerBytesPerConnection.met).toBe(false);
        expect(by.providerBytesPerConnection.value).toBe(12_000);
        expect(by.coldStartRatio.missBy).toBeCloseTo(5 / 2 - 1);
        expect(by.coldStartRatio.why).toContain("ts-node, type-checking (tsconfig.json has neither");
    });

    it("are not measured when the run lacks the sizes they need", () => {
        const t = evaluateTargets([size(10, [100], [90])]);
        expect(t.filter((x) => x.met === undefined).map((x) => x.id)).toEqual(["baselineRatio", "linearGrowth", "heapRatio", "coldStartRatio"]);
        expect(t.find((x) => x.id === "providerBytesPerConnection")?.met).toBe(true);
    });
});

describe("tables", () => {
    it("median of odd and even counts", () => {
        expect(median([3, 1, 2])).toBe(2);
        expect(median([4, 1, 3, 2])).toBe(2.5);
        expect(median([])).toBeNaN();
    });

    it("per size: medians, ratio, RSS and bytes per connection", () => {
        const table = formatSizeTable([size(10, [120, 100, 110], [50, 60, 55]), size(500, [12_345], [10_000])]);
        const lines = table.split("\n");
        expect(lines[0]).toContain("| connections | resources (custom) | stack time | flat baseline | ratio |");
        expect(lines[2]).toBe(
            "| 10 | 200 (160) | 110 ms | 55 ms | 2.00x | 61 ms (1.10x) | 110 / 100 MiB | 80 / 75 MiB (50 / 48) | 2500; 5000 | 30 (3; 30) | 40.0 KB | - | 1000 ms (100; 130 MiB) |",
        );
        expect(lines[3]).toContain("| 500 | 10000 (8000) | 12.3 s | 10.0 s | 1.23x |");
    });

    it("per connection: peak heap and RSS slopes of the program, the baseline and the offline plan", () => {
        const lines = perConnectionCosts([size(50, [1000], [900]), size(500, [10_000], [9_000])]).join("\n");
        expect(lines).toContain("from 50 to 500 connections");
        expect(lines).toContain("| the program (stack) | 2.00 MiB | 1.00 MiB |");
        expect(lines).toContain("| the offline plan | 3.00 MiB | 1.00 MiB |");
        const noPlan = size(500, [10_000], [9_000]);
        delete noPlan.plan;
        expect(perConnectionCosts([size(50, [1000], [900]), noPlan]).join("\n")).toContain("| the offline plan | not run (--no-plan) | not run (--no-plan) |");
        expect(perConnectionCosts([size(50, [1000], [900])])).toEqual([]);
    });

    it("gives the spread of the per-run ratios beside the median, pairing each run's stack with its baseline", () => {
        expect(runSpread({ stackMs: [110, 100, 140], baselineMs: [100, 100, 100] })).toBe("; runs 1.00x-1.40x");
        // Paired: 110/100 and 125/125; any other pairing would give 0.88x or 1.25x.
        expect(runSpread({ stackMs: [110, 125], baselineMs: [100, 125] })).toBe("; runs 1.00x-1.10x");
        expect(runSpread({ stackMs: [120], baselineMs: [100] })).toBe("");
        const t = evaluateTargets([size(500, [12_000, 11_000], [10_000, 10_000])]);
        expect(t.find((x) => x.id === "baselineRatio")?.shown).toBe("1.150x (11.5 s vs 10.0 s; runs 1.10x-1.20x)");
    });

    it("shows the stack-trace frames each run formatted, and names them among where the time goes", () => {
        const frames = { stack: 3_450_000, baseline: 3_000_000, withComponents: 3_150_000, sameInEveryRun: true };
        const s: SizeResult = { ...size(500, [12_000], [10_000]), stackTraceFrames: frames };
        expect(formatSizeTable([s]).split("\n")[2]).toMatch(/\| 3\.45M \/ 3\.00M \(1\.15x\) \| 1000 ms \(\d+; \d+ MiB\) \|$/);
        expect(baselineGap(s)).toContain("stack-trace frames formatted: stack 3.45M, baseline 3.00M (1.15x), baseline with the component tree 3.15M (1.05x);");
        const varied: SizeResult = { ...s, stackTraceFrames: { ...frames, sameInEveryRun: false } };
        expect(formatSizeTable([varied]).split("\n")[2]).toMatch(/\| 3\.45M \/ 3\.00M \(1\.15x\), runs differ \| 1000 ms \(\d+; \d+ MiB\) \|$/);
        expect(baselineGap(varied)).toContain("(1.05x) (the first run's; the runs counted differently);");
    });

    it("checks that every run of each kind counted the same frames", () => {
        const run = (frames: number | undefined) => ({ stackTraces: frames === undefined ? undefined : { traces: 1, frames } }) as ChildResult;
        expect(stackTraceFrames([run(10), run(10)], [run(8), run(8)], [run(9), run(9)]).stackTraceFrames).toEqual({
            stack: 10,
            baseline: 8,
            withComponents: 9,
            sameInEveryRun: true,
        });
        expect(stackTraceFrames([run(10), run(10)], [run(8), run(7)], [run(9), run(9)]).stackTraceFrames?.sameInEveryRun).toBe(false);
        expect(stackTraceFrames([run(10)], [run(undefined)], [run(9)])).toEqual({});
    });

    it("cold start and the whole RESULTS.md", () => {
        expect(formatColdTable(cold(400, 2_000))).toContain("| index.ts as the Pulumi CLI loads it (ts-node, type-checking) | 2000 ms | 2000 | 5.00x |");
        const md = renderResults({
            date: "2026-01-01T00:00:00Z",
            commit: "abc1234",
            command: "npm run bench",
            durationS: 100,
            types: { "azuread:index/x:X": 3 },
            machine: { cpu: "Test CPU", cores: 2, memoryGiB: 8, heapLimitMb: 2096, node: "v20.0.0", platform: "linux" },
            sizes: [size(50, [1000], [900]), size(500, [20_000], [10_000])],
            cold: cold(400, 790),
        });
        expect(md).toContain("Machine: Test CPU, 2 cores, 8.0 GiB memory (default V8 heap limit 2096 MiB), Node v20.0.0 (linux).");
        expect(md).toContain("| 500 connections: stack time <= 1.15x the flat baseline | 2.000x (20.0 s vs 10.0 s) | MISSED by 74% |");
        expect(md).toContain("| time(500) / time(50) <= 10.5 (10x the connections) | 20.000 | MISSED by 90% |");
        // No heap ceiling in this report: no section for it.
        expect(md).not.toContain("## Heap ceiling");
    });
});

describe("command line", () => {
    it("parses sizes, reps and output", () => {
        expect(parseArgs(["--sizes", "500,1,50,1", "--reps", "2", "--no-write"])).toMatchObject({ sizes: [1, 50, 500], reps: 2, out: undefined });
        expect(parseArgs([])).toMatchObject({ heapLimitsMb: [256, 512, 384], heapOnly: false, plan: true, apiCalls: true });
        expect(parseArgs([]).programRoot).toBeUndefined();
        expect(parseArgs(["--no-heap-ceiling", "--no-plan", "--no-api-calls", "--program", "/tmp/scratch"])).toMatchObject({
            heapLimitsMb: undefined,
            plan: false,
            apiCalls: false,
            programRoot: "/tmp/scratch",
        });
        expect(parseArgs(["--heap-limits", "128, 256,192", "--heap-only"])).toMatchObject({ heapLimitsMb: [128, 256, 192], heapOnly: true });
        expect(() => parseArgs(["--heap-limits", "256,512"])).toThrow(/three limits/);
        expect(() => parseArgs(["--heap-limits", "256,256,384"])).toThrow(/first two different/);
        expect(() => parseArgs(["--heap-only", "--no-heap-ceiling"])).toThrow(/nothing to measure/);
        expect(() => parseArgs(["--heap-limits"])).toThrow(/needs a value/);
        expect(parseArgs([]).sizes).toEqual([1, 10, 50, 100, 500]);
        expect(() => parseArgs(["--sizes", "0"])).toThrow(/positive integer/);
        expect(() => parseArgs(["--fast"])).toThrow(/unknown argument/);
    });

    it("knows how the Pulumi CLI's ts-node will transpile the program", () => {
        expect(cliTranspile({}, {})).toBe("type-check");
        expect(cliTranspile({ "ts-node": { transpileOnly: true } }, {})).toBe("transpile-only");
        expect(cliTranspile({ compilerOptions: { noCheck: true } }, {})).toBe("transpile-only");
        expect(cliTranspile({ "ts-node": { transpileOnly: true } }, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" })).toBe("type-check");
        expect(cliTranspile({}, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" })).toBe("transpile-only");
        expect(cliTranspile({ "ts-node": { transpileOnly: true, swc: true } }, {})).toBe("swc");
        expect(cliTranspile({ "ts-node": { swc: true } }, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" })).toBe("swc");
        // ts-node throws "Cannot enable 'swc' option with 'transpileOnly: false'": the CLI would not load the program.
        expect(() => cliTranspile({ "ts-node": { swc: true } }, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" })).toThrow(/unset it/);
        expect(() => cliTranspile({ "ts-node": { swc: true } }, { PULUMI_NODEJS_TRANSPILE_ONLY: "0" })).toThrow(/PULUMI_NODEJS_TRANSPILE_ONLY=0/);
        expect(() => cliTranspile({ "ts-node": { swc: true }, compilerOptions: { noCheck: false } }, {})).toThrow(/noCheck: false/);
    });

    it("reads this project's tsconfig.json as swc, the loader tools/bench/RESULTS.md measured", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "tsconfig.json"), "utf8"));
        expect(cliTranspile(tsconfig, {})).toBe("swc");
    });
});

describe("heap ceiling", () => {
    it("derives Node.js's default heap limit as V8 does, matching the node running this test", () => {
        // Node hands V8 the machine's memory, or the cgroup's limit when lower.
        const constrained = (process as unknown as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() || Number.POSITIVE_INFINITY;
        const memory = Math.min(os.totalmem(), constrained);
        expect(defaultHeapLimit(memory).heapSizeLimitMb).toBe(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
    });

    it("gives 2 GiB of old space on a 7 GB machine, 4 GiB on a 16 GB one, half the memory below 4 GB, 256 MiB at least", () => {
        const GiB = 2 ** 30;
        expect(defaultHeapLimit(7 * GiB)).toEqual({ oldGenerationMb: 2048, youngGenerationMb: 48, heapSizeLimitMb: 2096 });
        expect(defaultHeapLimit(16 * GiB).oldGenerationMb).toBe(4096);
        // A "16 GB" runner reports a little less; V8's threshold for the 4 GiB step is 15 GiB.
        expect(defaultHeapLimit(15.6 * GiB).heapSizeLimitMb).toBe(4144);
        expect(defaultHeapLimit(14.9 * GiB).oldGenerationMb).toBe(2048);
        expect(defaultHeapLimit(3 * GiB).oldGenerationMb).toBe(1536);
        expect(defaultHeapLimit(256 * 2 ** 20).oldGenerationMb).toBe(256);
    });

    it("fits heap per connection and finds where a limit is reached", () => {
        const model = fitHeapModel([
            { connections: 10, mb: 80 },
            { connections: 100, mb: 350 },
            { connections: 500, mb: 1550 },
        ]);
        expect(model!.perConnectionMb).toBeCloseTo(3);
        expect(model!.baseMb).toBeCloseTo(50);
        expect(ceilingConnections(model!, 2048)).toBe(666);
        expect(fitHeapModel([{ connections: 10, mb: 80 }])).toBeUndefined();
    });

    /** Drives nextCount against a process that runs out of heap from `threshold` connections on. */
    function bisectAgainst(threshold: number, guess: number): LimitRun[] {
        const runs: LimitRun[] = [];
        for (let n = nextCount(runs, guess); n !== undefined; n = nextCount(runs, guess)) {
            runs.push({ connections: n, outcome: n < threshold ? "finished" : "out of memory", seconds: 1 });
        }
        return runs;
    }

    it.each([
        [110, 59],
        [110, 200],
        [300, 160],
        [7, 59],
    ])("bisects a threshold of %i from a guess of %i (within 2x) to 5% or one connection in at most 8 runs", (threshold, guess) => {
        const runs = bisectAgainst(threshold, guess);
        expect(runs.length).toBeLessThanOrEqual(8);
        const b = bracketOf(runs);
        expect(b.finished).toBeLessThan(threshold);
        expect(b.failed).toBeGreaterThanOrEqual(threshold);
        expect(bracketWidth(b)! <= 0.05 || b.failed! - b.finished! === 1).toBe(true);
    });

    it("still brackets from a guess 4.5x too high, only wider", () => {
        const b = bracketOf(bisectAgainst(110, 500));
        expect(b.finished).toBeLessThan(110);
        expect(b.failed).toBeGreaterThanOrEqual(110);
        expect(bracketWidth(b)).toBeLessThan(0.1);
    });

    it("stops at 8 runs with the bracket it has when the guess is far off, and never reruns a count", () => {
        const runs = bisectAgainst(5000, 10);
        expect(runs).toHaveLength(8);
        expect(new Set(runs.map((r) => r.connections)).size).toBe(8);
        expect(bracketOf(runs).failed).toBeUndefined();
        expect(failurePoint(bracketOf(runs))).toBeUndefined();
    });

    it("brackets below the smallest count that did not finish, a timeout counting as not finishing", () => {
        const run = (connections: number, outcome: LimitRun["outcome"]): LimitRun => ({ connections, outcome, seconds: 1 });
        // 120 finished after 110 timed out (a noisy boundary): the bracket is 100-110, not 120-110.
        const b = bracketOf([run(100, "finished"), run(110, "timed out"), run(120, "finished"), run(130, "out of memory")]);
        expect(b).toEqual({ finished: 100, failed: 110 });
        expect(failurePoint(b)).toBe(105);
    });

    it("fits the line through two failure points and tests its prediction either side", () => {
        const at = (maxOldSpaceMb: number, finished: number, failed: number) => ({ maxOldSpaceMb, runs: [], finished, failed });
        // 2 MiB per connection over 56 MiB: 96 connections fill 256 MiB, 224 fill 512.
        const model = modelFromFailures(at(256, 95, 97), at(512, 223, 225))!;
        expect(model.perConnectionMb).toBeCloseTo(2);
        expect(model.baseMb).toBeCloseTo(64);
        expect(ceilingConnections(model, 384)).toBe(160);
        expect(modelFromFailures(at(256, 95, 97), { maxOldSpaceMb: 512, runs: [], finished: 300 })).toBeUndefined();
        expect(checkCounts(160)).toEqual({ below: 144, above: 176 });
        const run = (outcome: LimitRun["outcome"]): LimitRun => ({ connections: 1, outcome, seconds: 1 });
        const check = { maxOldSpaceMb: 384, predicted: 160, tolerance: 0.1 };
        expect(predictionHolds({ ...check, below: run("finished"), above: run("out of memory") })).toBe(true);
        expect(predictionHolds({ ...check, below: run("finished"), above: run("timed out") })).toBe(true);
        expect(predictionHolds({ ...check, below: run("finished"), above: run("finished") })).toBe(false);
        expect(predictionHolds({ ...check, below: run("out of memory"), above: run("out of memory") })).toBe(false);
    });

    it("finds the first count the plan warns about, as capacity.ts decides", () => {
        const limit = defaultHeapLimit(7 * 2 ** 30).heapSizeLimitMb;
        const n = planWarnsFrom(limit)!;
        expect(capacityWarning(estimateCapacity(n, limit * 2 ** 20))).toBeDefined();
        expect(capacityWarning(estimateCapacity(n - 1, limit * 2 ** 20))).toBeUndefined();
    });

    const ceiling = (overFit: boolean): HeapCeilingResult => {
        const run = (connections: number, outcome: LimitRun["outcome"]): LimitRun => ({ connections, outcome, seconds: 10 });
        return {
            options: { fitLimitsMb: [256, 512], checkLimitMb: 384, timeoutS: 170, kinds: ["stack"] },
            kinds: [
                {
                    kind: "stack",
                    bisections: [
                        { maxOldSpaceMb: 256, runs: [run(95, "finished"), run(97, "out of memory")], finished: 95, failed: 97 },
                        { maxOldSpaceMb: 512, runs: [run(223, "finished"), run(225, "timed out")], finished: 223, failed: 225 },
                    ],
                    model: { perConnectionMb: 2, baseMb: 64 },
                    check: {
                        maxOldSpaceMb: 384,
                        predicted: 160,
                        tolerance: 0.1,
                        below: run(144, "finished"),
                        above: run(176, overFit ? "finished" : "out of memory"),
                    },
                },
            ],
        };
    };
    const machine = { cpu: "Test CPU", cores: 2, memoryGiB: 8, heapLimitMb: 2096, node: "v20.0.0", platform: "linux" };

    it("prints every figure with its target and MET/MISSED", () => {
        const text = formatHeapCeiling({
            result: ceiling(false),
            date: "2026-01-01T00:00:00Z",
            machine,
            commit: "abc1234",
            durationS: 60,
            command: "npm run bench -- --heap-only",
        }).join("\n");
        expect(text).toContain("at commit abc1234");
        expect(text).toContain("| program (`pulumi preview`/`up` evaluation) | 512 MiB | 223 ok (10 s), 225 timeout (10 s) | 223 / 225 | 224.0 |");
        // (2048 - 64) / 2 and (4096 - 64) / 2
        expect(text).toContain("| 2.00 MiB | 64 MiB | 992 (old space 2048 MiB) | 2016 (old space 4096 MiB) |");
        expect(text).toContain("| program, 256 MiB: failure point bracketed to <= 5% | 2.1% (95-97) | MET |");
        expect(text).toContain("| program, 384 MiB: fails where the fit predicts, +-10% | predicted 160: 144 finished, 176 out of memory | MET |");
        expect(text).toContain("| program: capacity.ts's 3 MiB per connection >= measured | 2.00 MiB (constant / measured 1.50) | MET |");
        expect(text).toMatch(/\| program, 7 GB machine: the plan warns before the ceiling \| warns from \d+, ceiling 992 \| MET \|/);
        const missed = formatHeapCeiling({ result: ceiling(true), date: "d", machine, commit: "c", durationS: 1, command: "x" }).join("\n");
        expect(missed).toContain("predicted 160: 144 finished, 176 finished | MISSED |");
    });

    it("replaces only the heap ceiling section of RESULTS.md, or puts it before the API calls", () => {
        const md = ["# Benchmark results", "", "## Cold start", "cold", "## Heap ceiling", "old", "old 2", "## API calls per managed connection", "calls"].join(
            "\n",
        );
        const replaced = replaceHeapSection(md, ["## Heap ceiling", "new", ""]);
        expect(replaced).toBe(
            ["# Benchmark results", "", "## Cold start", "cold", "## Heap ceiling", "new", "", "## API calls per managed connection", "calls"].join("\n"),
        );
        const inserted = replaceHeapSection(["# B", "## API calls", "x"].join("\n"), ["## Heap ceiling", "new"]);
        expect(inserted).toBe(["# B", "## Heap ceiling", "new", "## API calls", "x"].join("\n"));
    });
});

describe("API calls of the custom resources", () => {
    it("classifies recorded requests by vendor and kind, ids as placeholders", () => {
        const t = emptyTally();
        classifyAuth0(t, "POST", "/oauth/token");
        classifyAuth0(t, "GET", "/api/v2/connections/con_1/scim-configuration/tokens");
        classifyAuth0(t, "DELETE", "/api/v2/connections/con_1/scim-configuration/tokens/tok_2");
        classifyGraph(t, "GET", "/servicePrincipals/sp-1/synchronization/jobs/scim.a.b/schema");
        classifyGraph(t, "POST", "/servicePrincipals/sp-1/synchronization/jobs/scim.a.b/start");
        expect(t).toMatchObject({ auth0TokenRequests: 1, auth0Reads: 1, auth0Writes: 1, graphReads: 1, graphWrites: 1 });
        expect(t.calls).toContain("Auth0 DELETE /api/v2/connections/{id}/scim-configuration/tokens/{tokenId}");
        expect(t.calls).toContain("Graph POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/start");
    });

    it("puts a rate limit's floor under a refresh: burst first, then the steady rate", () => {
        expect(rateLimitFloorSeconds(500, 2, 10)).toBe(245);
        expect(rateLimitFloorSeconds(40, 16, 50)).toBe(0);
    });

    it("counts each operation against the stand-ins, and judges the targets on what was counted", async () => {
        const report = await countApiCalls();
        expect(Object.keys(report)).toEqual([...OPERATIONS]);
        const calls = (op: (typeof OPERATIONS)[number], resource: string) => report[op].find((r) => r.resource === resource)!.tally.calls;
        expect(calls("create", "ScimToken")).toContain("Auth0 POST /api/v2/connections/{id}/scim-configuration/tokens");
        expect(calls("token rotation", "ScimToken")).toEqual(
            expect.arrayContaining([
                "Auth0 POST /api/v2/connections/{id}/scim-configuration/tokens",
                "Auth0 DELETE /api/v2/connections/{id}/scim-configuration/tokens/{tokenId}",
            ]),
        );
        expect(calls("refresh", "SynchronizationSchema")).toEqual(["Graph GET /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema"]);
        expect(calls("schema change", "SynchronizationSchema")).toContain("Graph PUT /servicePrincipals/{id}/synchronization/jobs/{jobId}/schema");
        expect(calls("destroy", "ProvisioningStatus")).toEqual(["Graph POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/pause"]);
        // The verdicts follow the tallies: a call slipped into a no-change up misses that target, naming it.
        const noChange = evaluateCallTargets(report)[0];
        report["no-change up"][1].tally.calls.push("Graph GET /servicePrincipals/{id}");
        report["no-change up"][1].tally.graphReads++;
        const broken = evaluateCallTargets(report)[0];
        expect(noChange.met).toBe(true);
        expect(broken).toMatchObject({ met: false, misses: ["PreferredTokenSigningKey: Graph GET /servicePrincipals/{id}"] });
        expect(refreshCalls(report, 100, 0.9).graph).toBe(270);
        // The refresh floor counts the bridged auth0 resources' reads too: they share the Management API limit.
        const text = formatApiCalls(report).join("\n");
        expect(text).toContain(
            "| 500 | non-production tenant | 2/s, burst 10 | 500 + at least 1000 | not counted | 1350 | 245 s custom only; at least 745 s |",
        );
    }, 30_000);

    it("counts ProvisionOnDemand: one POST per subject on create, nothing on up, refresh or destroy", async () => {
        const report = await countApiCalls();
        const calls = (op: (typeof OPERATIONS)[number]) => report[op].find((r) => r.resource === "ProvisionOnDemand")!.tally.calls;
        expect(calls("create")).toEqual(["Graph POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/provisionOnDemand"]);
        for (const op of OPERATIONS.filter((o) => o !== "create")) expect(calls(op), op).toEqual([]);
        // The generated mix: one user on demand for every sixth connection (84 at 500, as the 500-connection run registers).
        expect(onDemandSubjects(500)).toBe(84);
        expect(operationCalls(report, "create", 500, 0.9)).toMatchObject({ onDemand: 84, subjects: 84 });
        expect(operationCalls(report, "refresh", 500, 0.9).onDemand).toBe(0);
    }, 30_000);

    it("prices on-demand POSTs at the provider's own pacing: 5 at once, then 5 more every 11 s", () => {
        expect(onDemandFloorSeconds(0)).toBe(0);
        expect(onDemandFloorSeconds(5)).toBe(0);
        expect(onDemandFloorSeconds(6)).toBe(11);
        expect(onDemandFloorSeconds(84)).toBe(176);
    });

    it("asks each vendor for one access token per process when resources run one at a time, and judges parallel runs by tenant", async () => {
        const tokens = await countTokenRequests(4, 2);
        const one = tokens.counts.filter((c) => c.parallelism === "one at a time");
        expect(one.map((c) => [c.operation, c.auth0, c.entra, c.entraTenants])).toEqual([
            ["create", 1, 2, 2],
            ["refresh", 1, 2, 2],
            ["destroy", 1, 2, 2],
        ]);
        // The auth0 SDK shares one grant among concurrent first calls.
        expect(tokens.counts.filter((c) => c.parallelism === "all at once").map((c) => c.auth0)).toEqual([1, 1, 1]);
        const verdicts = tokenTargets(tokens);
        const parallelEntra = tokens.counts.filter((c) => c.parallelism === "all at once" && c.entra > 2);
        expect(verdicts[1].met).toBe(parallelEntra.length === 0);
        expect(verdicts[1].misses).toHaveLength(parallelEntra.length);
        expect(
            tokenTargets({ ...tokens, counts: [{ operation: "refresh", parallelism: "all at once", auth0: 2, entra: 2, entraTenants: 2 }] })[0],
        ).toMatchObject({
            met: false,
            misses: ["refresh, all at once: 2"],
        });
    }, 30_000);
});
