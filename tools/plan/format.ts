// The plan as text for a reviewer: where the tenant values came from, each connection's resources with their
// inputs and where each input comes from, the stack outputs, and the warnings once each.
import * as path from "node:path";
import { PROJECT } from "../../components/config";
import { describeMappings } from "./mappings";
import type { PlanResult } from "./plan";
import { type RecordedResource, simulatedNow } from "./simulation";
import { describeDerived, describeSource } from "./sources";
import { formatWarning } from "./warnings";

export function shortType(type: string): string {
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

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A simulated date, labelled as such and relative to today: the simulated provider's "now" is today. */
export function formatOutputValue(v: unknown, today: Date = simulatedNow()): string {
    if (typeof v !== "string" || !ISO_DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) return formatValue(v);
    const days = Math.round((Date.parse(v) - today.getTime()) / 86_400_000);
    const when = days === 0 ? "today" : days > 0 ? `today + ${days} days` : `today - ${-days} days`;
    return `${formatValue(v)}   (simulated: ${when})`;
}

function describeInputs(r: RecordedResource, names: Map<string, string>, indent: string): string[] {
    const lines: string[] = [];
    for (const [key, value] of Object.entries(r.displayInputs)) {
        if (key === "__provider") continue;
        const from = (r.propertyDependencies[key] ?? []).map((u) => names.get(u) ?? u).filter((n, i, a) => a.indexOf(n) === i);
        const source = from.length ? `   <- from ${from.join(", ")}` : "";
        if (key === "mappings" && Array.isArray(value)) {
            lines.push(...describeMappings(value, indent));
            continue;
        }
        if (value && typeof value === "object" && !Array.isArray(value)) {
            // One level of nesting (connection options) reads better a key per line.
            lines.push(`${indent}${key}:${source}`);
            for (const [k, v] of Object.entries(value)) lines.push(`${indent}  ${k}: ${formatValue(v)}`);
            continue;
        }
        lines.push(`${indent}${key}: ${formatValue(value)}${source}`);
    }
    const waits = r.dependencies.filter((u) => !Object.values(r.propertyDependencies).some((deps) => deps.includes(u))).map((u) => names.get(u) ?? u);
    if (waits.length) lines.push(`${indent}(after ${waits.join(", ")})`);
    if (r.ignoreChanges.length) lines.push(`${indent}(ignores changes to ${r.ignoreChanges.join(", ")})`);
    return lines;
}

export function planHeader(result: PlanResult): string[] {
    return [
        `Offline plan: ${path.basename(result.file)}`,
        describeSource("Auth0 domain", result.sources.auth0Domain, result.file),
        describeSource("Entra tenant", result.sources.entraTenantId, result.file),
        ...describeDerived(result.settings, result.sources, result.file),
        ...(result.settings.monitoring ? [describeSource("Azure subscription (monitoring)", result.sources.azureSubscriptionId, result.file)] : []),
        "Provider responses are SIMULATED: ids, certificates, tokens, job ids and dates below are stand-ins.",
        "Nothing was contacted and no credentials were read. `pulumi preview` shows the real plan.",
        "Secrets are shown as [secret].",
        "",
    ];
}

/** Resources by parent URN, and the roots (no parent, or a parent outside the recording). */
export function resourceTree(recorded: readonly RecordedResource[]): { children: Map<string, RecordedResource[]>; roots: RecordedResource[] } {
    const urns = new Set(recorded.map((r) => r.urn));
    const children = new Map<string, RecordedResource[]>();
    for (const r of recorded) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    return { children, roots: recorded.filter((r) => r.parent === "" || !urns.has(r.parent)) };
}

export function formatPlan(result: PlanResult): string {
    const { monitor, settings } = result;
    const names = new Map(monitor.recorded.map((r) => [r.urn, r.name]));
    const { children, roots } = resourceTree(monitor.recorded);
    const lines = planHeader(result);
    const walk = (r: RecordedResource, depth: number) => {
        const pad = "  ".repeat(depth);
        lines.push(`${pad}+ ${shortType(r.type)}  ${r.name}`);
        if (r.custom) lines.push(...describeInputs(r, names, `${pad}    `));
        for (const c of children.get(r.urn) ?? []) walk(c, depth + 1);
    };
    const connectionOutputs = (result.outputs.connections ?? {}) as Record<string, Record<string, unknown>>;
    for (const c of settings.connections) {
        lines.push(
            `Connection ${c.name}: ${c.entra ? `Auth0 + managed Entra app in tenant ${c.entra.tenantId}` : "Auth0 side only (the customer's admin configures Entra)"}`,
        );
        for (const root of roots.filter((r) => r.type === `${PROJECT}:index:ScimConnection` && r.name === c.name)) walk(root, 1);
        const outs = connectionOutputs[c.name];
        if (outs) {
            lines.push("  outputs:");
            for (const [k, v] of Object.entries(outs)) lines.push(`    ${k}: ${formatOutputValue(v)}`);
        }
        lines.push("");
    }
    const others = roots.filter((r) => r.type !== `${PROJECT}:index:ScimConnection` && r.type !== "pulumi:pulumi:Stack");
    if (others.length) {
        lines.push("Stack-level resources:");
        for (const r of others) walk(r, 1);
        lines.push("");
    }
    if (result.warnings.length) {
        lines.push("Warnings:");
        for (const w of result.warnings) lines.push(`  ! ${formatWarning(w)}`);
        lines.push("");
    }
    const custom = monitor.recorded.filter((r) => r.custom).length;
    lines.push(`${custom} resources in ${settings.connections.length} connection(s) would be created (simulated).`);
    return lines.join("\n");
}
