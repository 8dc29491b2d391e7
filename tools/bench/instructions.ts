// The evaluation's cost in instructions, counted by valgrind's callgrind: a figure that, unlike seconds, does not
// move with what else the machine is doing (on this shared 2-core VM the same program read 1.09x-1.33x the flat
// baseline in time across four 7-run sets). Pure helpers; tools/bench/instructionCount.ts runs the processes.
import { table } from "./markdown";
import { TARGETS, verdict, verdictText } from "./report";
import type { MachineInfo } from "./report";

/**
 * V8's --predictable: one thread (no concurrent marking or compiling whose share of the work depends on timing) and
 * fixed seeds, so the same run counts the same instructions (measured: two runs of the same child differed by
 * 0.004%, and by 0.0006% with a sixth and a quarter of a core; without the flag, by 0.65%). A different environment
 * still moves the count (up to 3% at 50 connections, 5% at 500): the heap starts otherwise and collections fall
 * elsewhere. So a ratio is only read between counts of one run (the stack and the baseline in one environment).
 */
export const INSTRUCTION_NODE_FLAGS = ["--predictable"] as const;

/** Instructions of one kind at one size: the whole process, and the process that stops where the evaluation starts. */
export interface KindInstructions {
    /** Start-up, module load, config generation, up to the timed evaluation. */
    load: number;
    /** The same, then the evaluation, ending as soon as it is done. */
    full: number;
}

export interface SizeInstructions {
    connections: number;
    stack: KindInstructions;
    baseline: KindInstructions;
}

export interface InstructionRun {
    sizes: SizeInstructions[];
    valgrind: string;
    date: string;
    machine: MachineInfo;
    commit: string;
    durationS: number;
    command: string;
}

/** The count callgrind prints when the process ends ("==123== Collected : 34146751822"). */
export function parseCollected(stderr: string): number | undefined {
    const m = /==\d+== Collected : (\d+)\s*$/m.exec(stderr);
    return m ? Number(m[1]) : undefined;
}

/** The evaluation's instructions: the whole process less the one that stopped where the evaluation starts. */
export function evaluation(k: KindInstructions): number {
    return k.full - k.load;
}

export interface InstructionTarget {
    target: string;
    shown: string;
    met?: boolean;
    missBy?: number;
}

/** Issue 16's two time targets, read in instructions. */
export function instructionTargets(sizes: readonly SizeInstructions[]): InstructionTarget[] {
    const at = (n: number) => sizes.find((s) => s.connections === n);
    const judge = (value: number | undefined, max: number, shown: (v: number) => string): Pick<InstructionTarget, "shown" | "met" | "missBy"> => ({
        shown: value === undefined ? "not measured" : shown(value),
        ...verdict(value, max),
    });
    const { baselineRatio: ratio, linearGrowth: growth } = TARGETS;
    const big = at(ratio.connections);
    const from = at(growth.from);
    const to = at(growth.to);
    return [
        {
            target: `${ratio.connections} connections: stack evaluation instructions <= ${ratio.max}x the flat baseline's`,
            ...judge(big && evaluation(big.stack) / evaluation(big.baseline), ratio.max, (v) => `${v.toFixed(3)}x`),
        },
        {
            target: `stack evaluation instructions(${growth.to}) / instructions(${growth.from}) <= ${growth.max}`,
            ...judge(from && to && evaluation(to.stack) / evaluation(from.stack), growth.max, (v) => v.toFixed(2)),
        },
    ];
}

const billions = (n: number) => `${(n / 1e9).toFixed(2)}G`;

export function formatInstructions(run: InstructionRun): string[] {
    const m = run.machine;
    const growth = (k: "stack" | "baseline") => {
        const [first, last] = [run.sizes[0], run.sizes[run.sizes.length - 1]];
        return run.sizes.length > 1 ? `${(evaluation(last[k]) / evaluation(first[k])).toFixed(2)}` : "";
    };
    return [
        "## Evaluation instructions",
        "",
        `Counted by \`${run.command}\` on ${run.date}, at commit ${run.commit}, in ${run.durationS.toFixed(0)} s; ${run.valgrind}, ` +
            `${m.cpu}, ${m.cores} cores, Node ${m.node}.`,
        "",
        "The same children as the timed runs, each under `valgrind --tool=callgrind` with V8's `--predictable` (one thread,",
        "fixed seeds), neither sampling the heap nor counting stack traces. A second process of each kind stops where the",
        "timed evaluation would start; the evaluation's count is the difference. Instructions are not seconds (a cache miss",
        "costs more than an add), but they do not follow the machine's load: the same process counts the same to 0.01%",
        "with a sixth or a quarter of a core. A different environment (its variables, file names) moves a count by up to",
        "3% at 50 connections and 5% at 500, as the garbage collector runs at other points; both kinds of one run share",
        "theirs, and their ratio at 500 moved by 2% between two runs. Compare counts of one run only (docs/scale.md).",
        "",
        table(
            ["connections", "stack: load", "stack: evaluation", "baseline: load", "baseline: evaluation", "stack / baseline (evaluation)"],
            run.sizes.map((s) => [
                String(s.connections),
                billions(s.stack.load),
                billions(evaluation(s.stack)),
                billions(s.baseline.load),
                billions(evaluation(s.baseline)),
                `${(evaluation(s.stack) / evaluation(s.baseline)).toFixed(3)}x`,
            ]),
        ),
        "",
        ...(run.sizes.length > 1
            ? [
                  `From ${run.sizes[0].connections} to ${run.sizes[run.sizes.length - 1].connections} connections the evaluation grows ${growth("stack")}-fold ` +
                      `for the stack and ${growth("baseline")}-fold for the flat baseline.`,
                  "",
              ]
            : []),
        table(
            ["target", "measured", "verdict"],
            instructionTargets(run.sizes).map((t) => [t.target, t.shown, verdictText(t)]),
        ),
        "",
    ];
}
