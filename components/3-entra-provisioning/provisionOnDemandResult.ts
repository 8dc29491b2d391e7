// What Entra answers to POST .../jobs/{id}/provisionOnDemand, read into a verdict. Graph returns one
// stringKeyStringValuePair whose two strings hold JSON (Microsoft's v1.0 page
// synchronization-synchronizationjob-provisionondemand.md, Example 1 and 3; test/fixtures/graph-provisionondemand-*):
// - key:   {"result":"Success"|"Skipped"|..., "details":{"errorCode":..., "errorMessage":...}}
// - value: the provisioning record of the subject: action, provisioningSteps[{name, type, status, description,
//          details}], statusInfo{status, errorCode, reason, recommendedAction}, sourceIdentity, targetIdentity.
// Graph's types describe the pair, not what its strings hold, so the two decoded shapes below follow the published
// examples (field names as published, e.g. `statusInfo` and step `type`, which differ from provisioningObjectSummary).
import type { StringKeyStringValuePair } from "@microsoft/microsoft-graph-types";

/** `key` decoded. */
export interface OnDemandKey {
    result?: string | null;
    details?: { errorCode?: string | null; errorMessage?: string | null } | null;
}

export interface OnDemandStep {
    name?: string | null;
    type?: string | null;
    status?: string | null;
    description?: string | null;
    details?: Record<string, string> | null;
}

/** `value` decoded. A group's published success answer holds `{}`. */
export interface OnDemandRecord {
    action?: string | null;
    /** The subject as Entra names it in logs (a UPN or a group name). */
    reportableIdentifier?: string | null;
    provisioningSteps?: OnDemandStep[] | null;
    statusInfo?: { status?: string | null; errorCode?: string | null; reason?: string | null; recommendedAction?: string | null } | null;
    sourceIdentity?: { id?: string | null; type?: string | null } | null;
    targetIdentity?: { id?: string | null; type?: string | null } | null;
}

export interface OnDemandOutcome {
    /** Entra's result as it says it ("Success", "Skipped", "Failure" ...); empty when the answer had none. */
    result: string;
    /** True when the subject is in Auth0 as Entra has it (see isProvisioned). */
    provisioned: boolean;
    /** Entra's error or skip code, e.g. NotEffectivelyEntitled, RedundantExport. */
    errorCode?: string;
    /** Entra's own words on why. */
    reason?: string;
    /** The step that did not succeed: `name (type): description`. */
    step?: string;
    /** Create, Update, Other ... */
    action?: string;
    /** The object's id in the target (Auth0's SCIM id), when Entra reports it. */
    targetId?: string;
    /** The subject as Entra names it (a UPN or a group name), when reported. */
    subjectName?: string;
    /** Entra's recommended action, when reported. */
    recommendedAction?: string;
}

/** Entra's skip code for "the source and target already match": the subject is already in Auth0, unchanged. */
export const ALREADY_IN_SYNC = "RedundantExport";

/** Entra's skip code for a subject not assigned to the app (or out of its scope). */
export const NOT_ENTITLED = "NotEffectivelyEntitled";

function parseJson<T>(text: string | null | undefined): T | undefined {
    if (!text) return undefined;
    try {
        const v = JSON.parse(text) as unknown;
        return typeof v === "object" && v !== null ? (v as T) : undefined;
    } catch {
        return undefined;
    }
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/**
 * Provisioned means Success, or Skipped because source and target already match (RedundantExport: Entra found the
 * subject in Auth0 with the same values, which is what a re-run after a replaced job or a lost response sees).
 * Every other skip (not assigned, out of scope, ...) and every other result means Entra did not put the subject
 * in Auth0 in this test, so it counts as not provisioned.
 */
export function isProvisioned(result: string, errorCode: string | undefined): boolean {
    if (/^success$/i.test(result)) return true;
    return /^skipped$/i.test(result) && errorCode === ALREADY_IN_SYNC;
}

export function readProvisionOnDemandResult(pair: StringKeyStringValuePair): OnDemandOutcome {
    const key = parseJson<OnDemandKey>(pair.key) ?? {};
    const record = parseJson<OnDemandRecord>(pair.value) ?? {};
    const steps = record.provisioningSteps ?? [];
    const notOk = steps.find((s) => !/^success$/i.test(s.status ?? ""));
    const result = text(key.result) ?? text(record.statusInfo?.status) ?? "";
    const errorCode = text(key.details?.errorCode) ?? text(record.statusInfo?.errorCode) ?? text(notOk?.details?.SkipReason);
    const reason = text(key.details?.errorMessage) ?? text(record.statusInfo?.reason) ?? text(notOk?.description);
    const out: OnDemandOutcome = { result, provisioned: isProvisioned(result, errorCode) };
    if (errorCode) out.errorCode = errorCode;
    if (reason) out.reason = reason;
    if (notOk) out.step = `${notOk.name ?? "?"}${notOk.type ? ` (${notOk.type})` : ""}: ${notOk.description ?? notOk.status ?? ""}`;
    if (text(record.action)) out.action = text(record.action);
    if (text(record.targetIdentity?.id)) out.targetId = text(record.targetIdentity?.id);
    if (text(record.reportableIdentifier)) out.subjectName = text(record.reportableIdentifier);
    if (text(record.statusInfo?.recommendedAction)) out.recommendedAction = text(record.statusInfo?.recommendedAction);
    if (!result) out.reason = `Entra's answer had no result: key ${JSON.stringify(pair.key ?? null).slice(0, 200)}`;
    return out;
}

/** The error `pulumi up` fails with: the subject, Entra's result and reason, the failing step, and what to do. */
export function notProvisionedMessage(subject: { objectId: string; objectTypeName: string }, o: OnDemandOutcome, attempts: number): string {
    const what = `${subject.objectTypeName.toLowerCase()} ${subject.objectId}`;
    let m = `provision on demand: Entra did not provision ${what}: ${o.result || "no result"}`;
    if (o.errorCode) m += ` (${o.errorCode})`;
    if (o.reason) m += `: ${o.reason}`;
    if (o.step) m += `; step ${o.step}`;
    if (attempts > 1) m += ` (after ${attempts} attempts)`;
    return `${m}. ${hintFor(subject.objectTypeName, o.errorCode)}`;
}

function hintFor(objectTypeName: string, errorCode: string | undefined): string {
    if (errorCode === NOT_ENTITLED) {
        return (
            "The subject is not assigned to the app or not in its scope (or is disabled): assign it in entra.assignments, " +
            "or drop it from entra.provisionOnDemand. Entra can take a few minutes to honour a new assignment; run pulumi up again."
        );
    }
    const groups = objectTypeName === "Group" ? " Groups are provisioned only when entra.provisionGroups is true." : "";
    return `See the app's provisioning logs in the Entra admin center for this subject.${groups}`;
}
