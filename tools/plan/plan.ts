// Offline plan: evaluates the real program (index.ts, loaded through ts-node with this project's tsconfig,
// as the Pulumi CLI loads it) against simulated providers, and keeps what `pulumi up` would be told.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, type ConfigProblem, PROJECT, type StackSettings, formatProblems, parseStackConfig } from "../../components/config";
import { readRawConfig } from "../../components/stack";
import { stackFilePath } from "./args";
import { type CapacityEstimate, capacityWarning, estimateCapacity } from "./capacity";
import { startProgress } from "./progress";
import { type RecordingMonitor, settle, simulate } from "./simulation";
import { type PlanSources, planSources } from "./sources";
import { StackFileError, readStackFile } from "./stackFile";
import { type PlanWarning, groupWarnings, planWarnings } from "./warnings";

const ROOT = path.resolve(__dirname, "..", "..");

export interface PlanOptions {
    stack?: string;
    /** A stack config file to read instead of Pulumi.<stack>.yaml (as `pulumi --config-file`). */
    configFile?: string;
    /** Progress lines (stderr in the CLI); none when absent. */
    progress?: (line: string) => void;
    /** Told before the program runs, so a stack too large to finish still gets its warning. */
    early?: (warning: string) => void;
}

/** Bad config or an unreadable stack file: nothing was planned; exit code 1. */
export class PlanError extends Error {
    constructor(
        message: string,
        readonly problems: ConfigProblem[] = [],
    ) {
        super(message);
    }
}

export interface PlanResult {
    monitor: RecordingMonitor;
    outputs: Record<string, unknown>;
    settings: StackSettings;
    file: string;
    sources: PlanSources;
    warnings: PlanWarning[];
    capacity: CapacityEstimate;
}

/**
 * A problem at (or inside) a `secure:` value is about the marker the plan read in its place: say the value is
 * encrypted and cannot be read offline, not that it is malformed. One problem per encrypted value.
 */
export function explainEncrypted(problems: readonly ConfigProblem[], encryptedPaths: readonly string[]): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const named = new Set<string>();
    const under = (p: string, e: string) => p === e || p.startsWith(`${e}.`) || p.startsWith(`${e}[`);
    for (const problem of problems) {
        const encrypted = encryptedPaths.find((e) => under(problem.path, e));
        if (encrypted === undefined) {
            out.push(problem);
            continue;
        }
        if (named.has(encrypted)) continue;
        named.add(encrypted);
        out.push({
            path: encrypted,
            message:
                "is a secure: value (encrypted in the stack file), and the offline plan cannot decrypt it but needs to read it here. " +
                "Keep this value in plain text (it is not a secret: pulumi config set without --secret), or check the stack with `pulumi preview`.",
        });
    }
    return out;
}

function connectionCount(config: Record<string, unknown>): number {
    const list = config[`${PROJECT}:connections`];
    return Array.isArray(list) ? list.length : 0;
}

/** Runs index.ts against simulated providers with the stack file's config. Throws UsageError or PlanError. */
export async function runPlan(options: PlanOptions = {}): Promise<PlanResult> {
    const file = stackFilePath(options, ROOT);
    let stack: ReturnType<typeof readStackFile>;
    try {
        stack = readStackFile(file);
    } catch (err) {
        if (err instanceof StackFileError) throw new PlanError(err.message);
        throw err;
    }
    const sources = planSources(stack, process.env);
    const capacity = estimateCapacity(connectionCount(stack.config));
    const tooLarge = capacityWarning(capacity);
    if (tooLarge) options.early?.(tooLarge);

    // Not a preview: in preview, simulated outputs of custom resources stay unknown and could not be shown.
    const monitor = await simulate({ project: PROJECT, stack: options.stack ?? "example", preview: false, config: stack.config, secretKeys: stack.secretKeys });
    // Validate with the program's own config reader, so the keys, fallbacks and messages match `pulumi preview`.
    let settings: StackSettings;
    try {
        settings = parseStackConfig(readRawConfig());
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const problems = explainEncrypted(err.problems, stack.encryptedPaths);
        throw new PlanError(formatProblems(problems), problems);
    }
    const progress = options.progress ? startProgress({ afterMs: 5000, everyMs: 10000, write: options.progress }) : undefined;
    if (progress) monitor.onRegister = (count) => progress.tick(count);
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program = require(path.join(ROOT, "index")) as Record<string, unknown>;
        await settle();
        const outputs: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(program)) outputs[k] = await display(v);
        await settle();
        const warnings = groupWarnings(planWarnings(settings));
        if (tooLarge) warnings.push({ message: tooLarge, connections: [] });
        return { monitor, outputs, settings, file, sources, warnings, capacity };
    } finally {
        progress?.stop(monitor.recorded.length);
    }
}

/** Resolves outputs for display, every secret as "[secret]". */
async function display(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const out = value as pulumi.Output<unknown>;
        if (await pulumi.isSecret(out)) return "[secret]";
        const inner = await new Promise<unknown>((ok) =>
            out.apply((v) => {
                ok(v);
                return v;
            }),
        );
        return display(inner);
    }
    if (Array.isArray(value)) return Promise.all(value.map(display));
    if (value && typeof value === "object") {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) o[k] = await display(v);
        return o;
    }
    return value;
}
