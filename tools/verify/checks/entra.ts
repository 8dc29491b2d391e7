// Check 4: the Entra side, through Microsoft Graph with the shared client (components/clients/graph.ts):
// validateCredentials with the saved credentials, the synchronization job's state, the group mapping
// against the token's scopes, and optionally one provision-on-demand.
import type { StringKeyStringValuePair, SynchronizationError, SynchronizationJob } from "@microsoft/microsoft-graph-types";
import { ON_DEMAND_TIMEOUT_MS, onDemandRequest } from "../../../components/3-entra-provisioning/provisionOnDemandProvider";
import type { GraphClient, GraphRequestOptions } from "../../../components/clients/graph";
import { GraphError } from "../../../components/clients/graphError";
import { graphPaths } from "../../../components/clients/graphPaths";
import { readProvisionOnDemandResult } from "../../../components/3-entra-provisioning/provisionOnDemandResult";
import { isProvisioningOn } from "../../../components/3-entra-provisioning/provisioningStatusProvider";
import { type SynchronizationSchemaDocument, readManagedSettings, userRuleId } from "../../../components/3-entra-provisioning/synchronizationSchema";
import { GROUP_TOKEN_SCOPES } from "../../../components/config";
import type { Redactor } from "../redact";
import type { ConnectionTarget } from "../report";
import { type RunContext, result } from "./common";

export const ENTRA_CHECKS: Array<[string, string]> = [
    ["entra.validate-credentials", "Entra reaches the endpoint with its saved credentials"],
    ["entra.job-enabled", "Provisioning job is on"],
    ["entra.job-quarantine", "Provisioning job not in quarantine"],
    ["entra.job-last-execution", "Last provisioning cycle without errors"],
    ["entra.group-mapping", "Entra's group provisioning matches the token"],
    ["entra.provision-on-demand", "Provision on demand"],
];

const title = (id: string): string => ENTRA_CHECKS.find(([k]) => k === id)![1];

export const ON_DEMAND_CAVEAT = "Microsoft: the ?aadOptscim062020 flag does not apply to on-demand provisioning, so this request used Entra's 2017 dialect";

// Microsoft's Graph v1.0 types for the job, its status, quarantine and errors (re-exported for the tests).
export type { SynchronizationJob };

export interface EntraCheckOptions {
    provisionOnDemandUserId?: string;
    /** The stack declares provisioning Off (or --expect-provisioning-off): a paused job is expected. */
    expectProvisioningOff?: boolean;
}

/** Counts the Graph calls the check makes, for the report. */
export class CountingGraph {
    count = 0;
    constructor(readonly client: GraphClient) {}
    get<T>(path: string, operation: string): Promise<T> {
        this.count++;
        return this.client.get<T>(path, { operation });
    }
    post<T>(path: string, body: unknown, operation: string, options: Omit<GraphRequestOptions, "operation" | "body"> = {}): Promise<T> {
        this.count++;
        return this.client.post<T>(path, body, { ...options, operation });
    }
}

function isMissingCredential(e: unknown): boolean {
    return e instanceof GraphError && e.status === 0 && /Microsoft Graph token/.test(e.graphMessage ?? "");
}

function errorText(e: SynchronizationError | null | undefined): string {
    if (!e) return "";
    return [e.code, e.message].filter(Boolean).join(": ");
}

function graphFailure(ctx: RunContext, redactor: Redactor, id: string, e: unknown, hint?: string): void {
    const err = e instanceof GraphError ? e : undefined;
    const message = redactor.apply(err ? err.message : String(e));
    ctx.record(
        result(id, "entra", title(id), "fail", message, {
            hint: err?.missingPermission ? `grant ${err.missingPermission}` : hint,
        }),
    );
}

function skipAll(ctx: RunContext, reason: string, hint?: string, ids = ENTRA_CHECKS.map(([id]) => id)): void {
    for (const id of ids) ctx.record(result(id, "entra", title(id), "skip", reason, { hint }));
}

/** The verdicts on a job read from Graph; pure, so the fixture shapes can be tested directly. */
export function judgeJob(job: SynchronizationJob, expectOff: boolean): Array<{ id: string; status: "pass" | "fail"; reason: string; hint?: string }> {
    const s = job.status ?? {};
    const code = s.code ?? "(none)";
    const on = isProvisioningOn(job);
    const out: Array<{ id: string; status: "pass" | "fail"; reason: string; hint?: string }> = [];

    if (on) {
        // NotRun with an active schedule: started, its first cycle not completed yet (Microsoft's synchronizationStatus).
        const firstCycle = code === "NotRun" ? ": started, its first cycle has not completed yet" : "";
        out.push({
            id: "entra.job-enabled",
            status: "pass",
            reason: `status ${code}, schedule ${job.schedule?.state ?? "?"}${job.schedule?.interval ? ` every ${job.schedule.interval}` : ""}${firstCycle}`,
        });
    } else if (expectOff) {
        out.push({ id: "entra.job-enabled", status: "pass", reason: `status ${code}: Off, as the stack declares` });
    } else {
        out.push({
            id: "entra.job-enabled",
            status: "fail",
            reason: `status ${code}: provisioning is Off, Entra will not provision anyone`,
            hint:
                code === "NotConfigured"
                    ? "the job has no saved credentials: run pulumi up (it saves the tenant URL and token and starts the job)"
                    : "set entra.provisioningEnabled: true and run pulumi up, or pass --expect-provisioning-off if Off is intended",
        });
    }

    const q = s.quarantine;
    if (q || code.toLowerCase() === "quarantine") {
        const parts = [`in quarantine${q?.reason ? ` (${q.reason})` : ""}`];
        if (q?.error) parts.push(`error ${errorText(q.error)}`);
        if (q?.seriesCount !== undefined) parts.push(`${q.seriesCount} time(s) in this series`);
        if (q?.nextAttempt) parts.push(`next attempt ${q.nextAttempt}`);
        const invalidCredentials = /InvalidCredentials|Unauthorized|401/i.test(q?.error?.code ?? "");
        out.push({
            id: "entra.job-quarantine",
            status: "fail",
            reason: parts.join("; "),
            hint: invalidCredentials
                ? "Entra's saved tenant URL or token does not work: run pulumi up to save the current ones, then restart provisioning (the stack's token may have been rotated or revoked)"
                : "fix the cause above, then restart provisioning in the portal (or POST .../restart); Entra otherwise retries at growing intervals",
        });
    } else {
        out.push({ id: "entra.job-quarantine", status: "pass", reason: `not in quarantine (status ${code})` });
    }

    const last = s.lastExecution;
    if (!last) {
        out.push({ id: "entra.job-last-execution", status: "pass", reason: "no cycle has run yet" });
    } else if (last.error || /fail/i.test(last.state ?? "") || last.state === "EntryLevelErrors") {
        // EntryLevelErrors (SynchronizationTaskExecutionResult): the cycle ran, but some users or groups failed.
        const entryLevel = last.state === "EntryLevelErrors" && !last.error;
        out.push({
            id: "entra.job-last-execution",
            status: "fail",
            reason:
                `last cycle ${last.state ?? "?"}${last.timeEnded ? ` at ${last.timeEnded}` : ""}${last.error ? `: ${errorText(last.error)}` : ""}` +
                `${s.countSuccessiveCompleteFailures ? `; ${s.countSuccessiveCompleteFailures} complete failure(s) in a row` : ""}`,
            hint: entryLevel
                ? "some users or groups failed to provision in that cycle: see the provisioning logs in the Entra portal for which, and why"
                : last.error?.tenantActionable === false
                  ? "Microsoft marks this error as not actionable by the tenant: retry later or open a support case"
                  : "see the provisioning logs in the Entra portal for the failing objects",
        });
    } else {
        out.push({ id: "entra.job-last-execution", status: "pass", reason: `last cycle ${last.state ?? "?"}${last.timeEnded ? ` at ${last.timeEnded}` : ""}` });
    }
    return out;
}

interface OnDemandSummary {
    status: "pass" | "fail";
    reason: string;
    hint?: string;
}

/** Reads provisionOnDemand's key/value pair with the stack's own reader, so verify and `pulumi up` judge alike. */
export function summariseProvisionOnDemand(response: StringKeyStringValuePair): OnDemandSummary {
    const o = readProvisionOnDemandResult(response);
    const who = o.subjectName ? ` for ${o.subjectName}` : "";
    if (/^success$/i.test(o.result)) {
        return { status: "pass", reason: `Success${who}${o.action ? `, action ${o.action}` : ""}${o.targetId ? `, target id ${o.targetId}` : ""}` };
    }
    if (/^skipped$/i.test(o.result)) {
        return {
            status: o.provisioned ? "pass" : "fail",
            reason: `Skipped${who}${o.errorCode ? ` (${o.errorCode}${o.reason ? `: ${o.reason}` : ""})` : ""}`,
            hint: o.provisioned
                ? undefined
                : "a skip other than RedundantExport usually means the user is not assigned to the app or is out of the scoping filter",
        };
    }
    return {
        status: "fail",
        reason: `${o.result || "no result"}${who}${o.errorCode ? `: ${o.errorCode}` : ""}${o.reason ? ` ${o.reason}` : ""}${o.step ? `; failed step ${o.step}` : ""}`,
        hint: o.recommendedAction ?? "see the step details in the Entra portal's provisioning logs",
    };
}

export async function entraChecks(
    ctx: RunContext,
    target: ConnectionTarget,
    graph: CountingGraph | undefined,
    redactor: Redactor,
    options: EntraCheckOptions,
): Promise<void> {
    const sp = target.entraServicePrincipalId;
    const job = target.synchronizationJobId;
    if (!sp || !job) {
        skipAll(
            ctx,
            target.source === "stack"
                ? "the stack does not manage an Entra app for this connection (no entraServicePrincipalId / synchronizationJobId output)"
                : "no --service-principal-id and --job-id given",
            "pass --service-principal-id and --job-id to check an Entra app the stack does not manage",
        );
        return;
    }
    if (!graph) {
        skipAll(ctx, "no Microsoft Graph client", "set Graph credentials (see the README's Entra permissions)");
        return;
    }

    try {
        await graph.post(
            graphPaths.jobAction(sp, job, "validateCredentials"),
            { useSavedCredentials: true },
            `validate the saved credentials of synchronization job ${job}`,
            // A test of the saved credentials that changes nothing: safe to re-send after a timeout.
            { idempotent: true },
        );
        ctx.record(
            result(
                "entra.validate-credentials",
                "entra",
                title("entra.validate-credentials"),
                "pass",
                "HTTP 204: Entra reached the SCIM endpoint with its saved tenant URL and secret token",
            ),
        );
    } catch (e) {
        if (isMissingCredential(e)) {
            skipAll(
                ctx,
                `no Microsoft Graph credentials: ${redactor.apply((e as GraphError).graphMessage ?? "")}`,
                "sign in (az login) or set ARM_CLIENT_ID/ARM_CLIENT_SECRET (or OIDC) with Synchronization.ReadWrite.All, then run again",
            );
            return;
        }
        graphFailure(
            ctx,
            redactor,
            "entra.validate-credentials",
            e,
            "Entra could not use its saved credentials: the token Entra holds may not be the stack's current one (run pulumi up), or the endpoint refused Microsoft's requests",
        );
    }

    let jobBody: SynchronizationJob | undefined;
    try {
        jobBody = await graph.get<SynchronizationJob>(graphPaths.job(sp, job), `read synchronization job ${job}`);
    } catch (e) {
        for (const id of ["entra.job-enabled", "entra.job-quarantine", "entra.job-last-execution"]) graphFailure(ctx, redactor, id, e);
    }
    if (jobBody) {
        for (const v of judgeJob(jobBody, options.expectProvisioningOff ?? false)) {
            ctx.record(result(v.id, "entra", title(v.id), v.status, redactor.apply(v.reason), { hint: v.hint }));
        }
    }

    let schema: SynchronizationSchemaDocument | undefined;
    try {
        schema = await graph.get<SynchronizationSchemaDocument>(graphPaths.schema(sp, job), `read synchronization schema of job ${job}`);
    } catch (e) {
        graphFailure(ctx, redactor, "entra.group-mapping", e);
    }
    if (schema) {
        const live = readManagedSettings(schema, { emailMatchingPrecedence: 0, provisionGroups: false, attributeMappings: [] });
        const declared = ctx.scopes?.filter((s) => s.endsWith(":groups"));
        const exercised = GROUP_TOKEN_SCOPES.some((s) => ctx.workedScopes.has(s) || ctx.deniedScopes.has(s));
        const tokenGroups = declared ?? GROUP_TOKEN_SCOPES.filter((s) => ctx.workedScopes.has(s));
        const missing = GROUP_TOKEN_SCOPES.filter((s) => !tokenGroups.includes(s));
        const email =
            live.emailMatchingPrecedence > 0
                ? `; work email matches users at precedence ${live.emailMatchingPrecedence}`
                : "; work email is not a matching attribute";
        if (live.provisionGroups && !declared && !exercised) {
            ctx.record(
                result(
                    "entra.group-mapping",
                    "entra",
                    title("entra.group-mapping"),
                    "skip",
                    `Entra provisions groups; the token's group scopes are unknown${email}`,
                    { hint: "pass --scopes (or --groups) to compare" },
                ),
            );
        } else if (live.provisionGroups && missing.length) {
            ctx.record(
                result(
                    "entra.group-mapping",
                    "entra",
                    title("entra.group-mapping"),
                    "fail",
                    `Entra provisions groups but the token ${declared ? "is declared" : "was seen"} without ${missing.join(" ")}${email}`,
                    {
                        hint: "set entra.provisionGroups to match: true grants the group scopes, false disables Entra's group mapping",
                    },
                ),
            );
        } else {
            ctx.record(
                result(
                    "entra.group-mapping",
                    "entra",
                    title("entra.group-mapping"),
                    "pass",
                    `group mapping ${live.provisionGroups ? "enabled, token has the group scopes" : "disabled"}${email}`,
                ),
            );
        }
    }

    if (!options.provisionOnDemandUserId) {
        ctx.record(
            result("entra.provision-on-demand", "entra", title("entra.provision-on-demand"), "skip", "not requested", {
                hint: "--provision-on-demand USER_OBJECT_ID provisions one real, assigned Entra user now (that user stays in Auth0)",
            }),
        );
        return;
    }
    const ruleId = schema ? userRuleId(schema) : undefined;
    if (!ruleId) {
        ctx.record(
            result(
                "entra.provision-on-demand",
                "entra",
                title("entra.provision-on-demand"),
                "fail",
                "no synchronization rule with a User mapping in the job's schema: nothing to provision on demand with",
            ),
        );
        return;
    }
    try {
        // The stack's own request body, so the check tests what `pulumi up` sends; never re-sent after a timeout.
        const userId = options.provisionOnDemandUserId;
        const res = await graph.post<StringKeyStringValuePair>(
            graphPaths.jobAction(sp, job, "provisionOnDemand"),
            onDemandRequest({ servicePrincipalId: sp, synchronizationJobId: job, ruleId, objectId: userId, objectTypeName: "User" }),
            `provision user ${userId} on demand through job ${job}`,
            { idempotent: false, timeoutMs: ON_DEMAND_TIMEOUT_MS },
        );
        const s = summariseProvisionOnDemand(res ?? {});
        ctx.record(
            result("entra.provision-on-demand", "entra", title("entra.provision-on-demand"), s.status, redactor.apply(`${s.reason}. ${ON_DEMAND_CAVEAT}`), {
                hint: s.hint,
            }),
        );
    } catch (e) {
        graphFailure(ctx, redactor, "entra.provision-on-demand", e);
    }
}
