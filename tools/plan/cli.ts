// Offline plan: evaluates the real program (index.ts, loaded through ts-node with this project's tsconfig,
// as the Pulumi CLI loads it) against simulated providers, and prints what `pulumi up` would create.
// Usage: npm run plan [-- --stack NAME] [--config-file PATH]   (reads Pulumi.NAME.yaml; default Pulumi.example.yaml)
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { simulate, settle, type RecordedResource, type RecordingMonitor } from "./simulation";
import { PROJECT, type StackSettings, parseStackConfig } from "../../components/config";
import { readRawConfig } from "../../components/stack";
import { planWarnings } from "./warnings";

const ROOT = path.resolve(__dirname, "..", "..");

export interface PlanOptions {
    stack?: string;
    /** A stack config file to read instead of Pulumi.<stack>.yaml (as `pulumi --config-file`). */
    configFile?: string;
}

interface StackFile {
    file: string;
    config: Record<string, unknown>;
    secretKeys: string[];
}

/** Reads a stack file; `secure:` values stay unreadable here and are passed on as secrets. */
export function readStackFile(options: PlanOptions): StackFile {
    const file = options.configFile
        ? path.resolve(options.configFile)
        : path.join(ROOT, options.stack ? `Pulumi.${options.stack}.yaml` : "Pulumi.example.yaml");
    if (!fs.existsSync(file)) {
        throw new PlanError(
            `${path.relative(process.cwd(), file) || file} not found: create it (pulumi stack init ${options.stack ?? "NAME"}; pulumi config set ...) or copy Pulumi.example.yaml.`,
        );
    }
    let doc: unknown;
    try {
        doc = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new PlanError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    const raw = (doc && typeof doc === "object" ? (doc as Record<string, unknown>).config : undefined) ?? {};
    if (typeof raw !== "object" || Array.isArray(raw)) throw new PlanError(`${file}: "config" must be a map of keys to values.`);
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        // Pulumi prefixes un-namespaced keys with the project name.
        const full = key.includes(":") ? key : `${PROJECT}:${key}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object)) {
            secretKeys.push(full);
            config[full] = "[secure value: not decrypted offline]";
        } else {
            config[full] = value;
        }
    }
    return { file, config, secretKeys };
}

export class PlanError extends Error {}

export interface PlanResult {
    monitor: RecordingMonitor;
    outputs: Record<string, unknown>;
    settings: StackSettings;
    file: string;
}

/** Runs index.ts against simulated providers with the stack file's config. Throws PlanError on bad config. */
export async function runPlan(options: PlanOptions = {}): Promise<PlanResult> {
    const stack = readStackFile(options);
    // Not a preview: in preview, simulated outputs of custom resources stay unknown and could not be shown.
    const monitor = await simulate({ project: PROJECT, stack: options.stack ?? "example", preview: false, config: stack.config, secretKeys: stack.secretKeys });
    // Validate with the program's own config reader, so the keys, fallbacks and messages match `pulumi preview`.
    let settings: StackSettings;
    try {
        settings = parseStackConfig(readRawConfig());
    } catch (err) {
        throw new PlanError((err as Error).message);
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(ROOT, "index")) as Record<string, unknown>;
    await settle();
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(program)) outputs[k] = await display(v);
    await settle();
    return { monitor, outputs, settings, file: stack.file };
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

function shortType(type: string): string {
    const m = /^([^:]+):[^:]*?\/?([^:/]*):([^:]+)$/.exec(type);
    if (!m) return type;
    if (m[1] === "pulumi-nodejs") return `custom:${m[3]}`;
    if (m[1] === PROJECT) return `component:${m[3]}`;
    return `${m[1]}:${m[3]}`;
}

function formatValue(v: unknown): string {
    if (v === "[secret]") return "[secret]";
    if (v === undefined) return "(none)";
    const text = JSON.stringify(v);
    return text.length > 140 ? `${text.slice(0, 137)}...` : text;
}

function describeInputs(r: RecordedResource, names: Map<string, string>, indent: string): string[] {
    const lines: string[] = [];
    for (const [key, value] of Object.entries(r.displayInputs)) {
        if (key === "__provider") continue;
        let shown: string;
        if (key === "mappings" && Array.isArray(value)) {
            shown = `${value.length} mappings, e.g. ${value
                .slice(0, 3)
                .map((m) => `${(m as { scim: string }).scim} -> ${(m as { auth0: string }).auth0}`)
                .join("; ")}`;
        } else {
            shown = formatValue(value);
        }
        const from = (r.propertyDependencies[key] ?? []).map((u) => names.get(u) ?? u).filter((n, i, a) => a.indexOf(n) === i);
        const source = from.length ? `   <- from ${from.join(", ")}` : "";
        if (value && typeof value === "object" && !Array.isArray(value)) {
            // One level of nesting (connection options) reads better a key per line.
            lines.push(`${indent}${key}:${source}`);
            for (const [k, v] of Object.entries(value)) lines.push(`${indent}  ${k}: ${formatValue(v)}`);
            continue;
        }
        lines.push(`${indent}${key}: ${shown}${source}`);
    }
    const waits = r.dependencies.filter((u) => !Object.values(r.propertyDependencies).some((deps) => deps.includes(u))).map((u) => names.get(u) ?? u);
    if (waits.length) lines.push(`${indent}(after ${waits.join(", ")})`);
    if (r.ignoreChanges.length) lines.push(`${indent}(ignores changes to ${r.ignoreChanges.join(", ")})`);
    return lines;
}

export function formatPlan(result: PlanResult): string {
    const { monitor, settings } = result;
    const names = new Map(monitor.recorded.map((r) => [r.urn, r.name]));
    const children = new Map<string, RecordedResource[]>();
    for (const r of monitor.recorded) {
        const list = children.get(r.parent) ?? [];
        list.push(r);
        children.set(r.parent, list);
    }
    const lines: string[] = [
        `Offline plan: ${path.basename(result.file)}`,
        "Provider responses are SIMULATED: ids, certificates, tokens and job ids below are stand-ins.",
        "Nothing was contacted and no credentials were read. `pulumi preview` shows the real plan.",
        "Secrets are shown as [secret].",
        "",
    ];
    const walk = (r: RecordedResource, depth: number) => {
        const pad = "  ".repeat(depth);
        lines.push(`${pad}+ ${shortType(r.type)}  ${r.name}`);
        if (r.custom) lines.push(...describeInputs(r, names, `${pad}    `));
        for (const c of children.get(r.urn) ?? []) walk(c, depth + 1);
    };
    const roots = monitor.recorded.filter((r) => r.parent === "" || !names.has(r.parent));
    const connectionOutputs = (result.outputs.connections ?? {}) as Record<string, Record<string, unknown>>;
    for (const c of settings.connections) {
        lines.push(
            `Connection ${c.name}: ${c.entra ? `Auth0 + managed Entra app in tenant ${c.entra.tenantId}` : "Auth0 side only (the customer's admin configures Entra)"}`,
        );
        for (const root of roots.filter((r) => r.type === `${PROJECT}:index:ScimConnection` && r.name === c.name)) walk(root, 1);
        const outs = connectionOutputs[c.name];
        if (outs) {
            lines.push("  outputs:");
            for (const [k, v] of Object.entries(outs)) lines.push(`    ${k}: ${formatValue(v)}`);
        }
        lines.push("");
    }
    const others = roots.filter((r) => r.type !== `${PROJECT}:index:ScimConnection` && r.type !== "pulumi:pulumi:Stack");
    if (others.length) {
        lines.push("Stack-level resources:");
        for (const r of others) walk(r, 1);
        lines.push("");
    }
    const warnings = planWarnings(settings);
    if (warnings.length) {
        lines.push("Warnings:");
        for (const w of warnings) lines.push(`  ! ${w}`);
        lines.push("");
    }
    const custom = monitor.recorded.filter((r) => r.custom).length;
    lines.push(`${custom} resources in ${settings.connections.length} connection(s) would be created (simulated).`);
    return lines.join("\n");
}

function parseArgs(argv: string[]): PlanOptions {
    const options: PlanOptions = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack" || a === "-s") options.stack = argv[++i];
        else if (a.startsWith("--stack=")) options.stack = a.slice("--stack=".length);
        else if (a === "--config-file") options.configFile = argv[++i];
        else if (a.startsWith("--config-file=")) options.configFile = a.slice("--config-file=".length);
        else if (a === "--help" || a === "-h") {
            process.stdout.write(
                "Usage: npm run plan [-- --stack NAME] [--config-file PATH]\nReads Pulumi.NAME.yaml (default Pulumi.example.yaml, or PATH) and prints what `pulumi up` would create, offline.\n",
            );
            process.exit(0);
        } else throw new PlanError(`unknown argument "${a}"; usage: npm run plan [-- --stack NAME] [--config-file PATH]`);
    }
    if (options.stack !== undefined && !/^[A-Za-z0-9_.-]+$/.test(options.stack)) throw new PlanError(`--stack "${options.stack}" is not a stack name.`);
    return options;
}

if (require.main === module) {
    (async () => {
        try {
            const result = await runPlan(parseArgs(process.argv.slice(2)));
            process.stdout.write(`${formatPlan(result)}\n`);
            process.exit(0);
        } catch (err) {
            const message = err instanceof PlanError ? err.message : `plan failed: ${(err as Error).stack ?? String(err)}`;
            process.stderr.write(`${message}\n`);
            process.exit(1);
        }
    })();
}
