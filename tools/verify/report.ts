// The report: one shape for the human table and for --json. REPORT_VERSION changes only when a field
// changes meaning or disappears; new fields may be added within a version.
import type { Dialect } from "./dialect";
import type { RequestLogEntry } from "./http";

export const REPORT_VERSION = 1;

export type CheckStatus = "pass" | "fail" | "skip";

export type CheckGroup = "endpoint" | "users" | "groups" | "scopes" | "entra" | "cleanup";

export interface CheckResult {
    /** Stable id, e.g. "users.disable"; pipelines key on it. */
    id: string;
    group: CheckGroup;
    title: string;
    status: CheckStatus;
    /** Why it passed, failed or was skipped: one sentence with the evidence (HTTP status, error code). */
    reason: string;
    /** What to do about a failure or a skip; absent on a plain pass. */
    hint?: string;
    /** Requests behind the verdict, as "METHOD path -> status". */
    evidence?: string[];
}

export interface TestObject {
    type: "User" | "Group";
    id?: string;
    name: string;
}

export interface CleanupReport {
    /** Every test user and group is named with this prefix. */
    testPrefix: string;
    /** Objects this run created and then deleted (confirmed gone). */
    deleted: TestObject[];
    /** Of `deleted`, those an earlier run had left (deleted because of --delete-leftovers). */
    deletedLeftovers?: TestObject[];
    /** Objects named with the prefix still on the endpoint after the run, from this run or earlier ones. */
    leftovers: TestObject[];
    /** "complete": the listing covered users (and groups when checked); "partial" / "failed": see note. */
    listing: "complete" | "partial" | "failed" | "skipped";
    note?: string;
}

export interface ConnectionTarget {
    /** "stack": read from `pulumi stack output`; "flags": from --scim-url and SCIM_TOKEN. */
    source: "stack" | "flags";
    stack?: string;
    connection?: string;
    scimEndpointUrl: string;
    /** The URL Entra is given (with its flags), when known. */
    entraTenantUrl?: string;
    dialect: Dialect;
    /** Scopes the token is declared to carry; null when unknown. */
    tokenScopes: string[] | null;
    entraServicePrincipalId?: string;
    synchronizationJobId?: string;
    /** Tenant the Graph token is requested for; default ARM_TENANT_ID (AZURE_TENANT_ID under AKS workload identity), as the azuread provider. */
    entraTenantId?: string;
}

export interface ConnectionReport {
    target: ConnectionTarget;
    checks: CheckResult[];
    cleanup: CleanupReport;
    requests: {
        scim: number;
        scimLimit: number;
        graph: number;
        log: RequestLogEntry[];
    };
    durationMs: number;
}

export interface Summary {
    passed: number;
    failed: number;
    skipped: number;
    /** True only when no check failed and the run was not interrupted. */
    ok: boolean;
}

export interface VerifyReport {
    reportVersion: typeof REPORT_VERSION;
    tool: "auth0-entra-scim verify";
    startedAt: string;
    durationMs: number;
    connections: ConnectionReport[];
    summary: Summary;
    /** Present (true) when Ctrl-C stopped the run: cleanup ran, checks not reached are skips. */
    interrupted?: true;
    /** 0 all non-skipped checks passed, 1 a check failed, 130 interrupted; docs/verify.md has 2 and 3. */
    exitCode: 0 | 1 | 130;
}

export function summarise(checks: CheckResult[]): Summary {
    const passed = checks.filter((c) => c.status === "pass").length;
    const failed = checks.filter((c) => c.status === "fail").length;
    const skipped = checks.filter((c) => c.status === "skip").length;
    return { passed, failed, skipped, ok: failed === 0 };
}

export function buildReport(startedAt: Date, durationMs: number, connections: ConnectionReport[], interrupted = false): VerifyReport {
    const counted = summarise(connections.flatMap((c) => c.checks));
    const summary = { ...counted, ok: counted.ok && !interrupted };
    return {
        reportVersion: REPORT_VERSION,
        tool: "auth0-entra-scim verify",
        startedAt: startedAt.toISOString(),
        durationMs,
        connections,
        summary,
        ...(interrupted ? { interrupted: true as const } : {}),
        exitCode: interrupted ? 130 : summary.ok ? 0 : 1,
    };
}

/** "User name (id)". */
export function describeObject(o: TestObject): string {
    return `${o.type} ${o.name}${o.id ? ` (${o.id})` : ""}`;
}

const MARK: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", skip: "SKIP" };

function wrap(text: string, width: number): string[] {
    const lines: string[] = [];
    for (const para of text.split("\n")) {
        let line = "";
        for (const word of para.split(/\s+/)) {
            if (line && line.length + 1 + word.length > width) {
                lines.push(line);
                line = word;
            } else {
                line = line ? `${line} ${word}` : word;
            }
        }
        lines.push(line);
    }
    return lines;
}

/** The human table: status, check, reason and hint, wrapped to a terminal's width. */
export function renderTable(report: VerifyReport, width = 100): string {
    const out: string[] = [];
    for (const c of report.connections) {
        const t = c.target;
        const name = t.connection ? `connection ${t.connection}` : "SCIM endpoint";
        out.push(`${name}${t.stack ? ` (stack ${t.stack})` : ""}: ${t.scimEndpointUrl}`);
        out.push(
            `  dialect ${t.dialect}; token scopes ${t.tokenScopes ? t.tokenScopes.join(" ") : "unknown"}; ` +
                `${c.requests.scim} SCIM requests${c.requests.graph ? `, ${c.requests.graph} Graph requests` : ""}; ${(c.durationMs / 1000).toFixed(1)} s`,
        );
        const idWidth = Math.max(...c.checks.map((k) => k.id.length), 5);
        const textWidth = Math.max(40, width - idWidth - 10);
        out.push(`  ${"STATUS".padEnd(6)}  ${"CHECK".padEnd(idWidth)}  RESULT`);
        c.checks.forEach((k, i) => {
            // A run of skips or failures with the same reason and hint (six Entra skips) shows them once.
            const same = (a: CheckResult | undefined) => !!a && k.status !== "pass" && a.status === k.status && a.reason === k.reason && a.hint === k.hint;
            const text = same(c.checks[i - 1]) ? ["(same as above)"] : wrap(k.reason, textWidth);
            if (k.hint && k.status !== "pass" && !same(c.checks[i + 1])) text.push(...wrap(`hint: ${k.hint}`, textWidth));
            out.push(`  ${MARK[k.status].padEnd(6)}  ${k.id.padEnd(idWidth)}  ${text[0]}`);
            for (const more of text.slice(1)) out.push(`  ${"".padEnd(6)}  ${"".padEnd(idWidth)}  ${more}`);
        });
        const earlier = c.cleanup.deletedLeftovers ?? [];
        if (earlier.length) out.push(`  Deleted ${earlier.length} test object(s) left by earlier runs: ${earlier.map(describeObject).join(", ")}`);
        const left = c.cleanup.leftovers;
        out.push(
            left.length
                ? `  Leftovers named ${c.cleanup.testPrefix}*: ${left.map(describeObject).join(", ")}`
                : `  No test objects left behind (listing ${c.cleanup.listing}${c.cleanup.note ? `: ${c.cleanup.note}` : ""}).`,
        );
        out.push("");
    }
    const s = report.summary;
    const verdict = report.interrupted ? "INTERRUPTED (cleanup ran; checks not reached are skipped)" : s.ok ? "OK" : "FAILED";
    out.push(`${verdict}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped.`);
    return out.join("\n");
}
