// Dynamic provider of ProvisionOnDemand: one POST .../jobs/{id}/provisionOnDemand for one subject, its result read,
// and `pulumi up` failed with Entra's reason when the subject was not provisioned. Nothing to read or undo later:
// an on-demand run is an event, not an object in Entra (azuread's resource reads and deletes nothing either).
import type { StringKeyStringValuePair, SynchronizationJobApplicationParameters, SynchronizationJobSubject } from "@microsoft/microsoft-graph-types";
import type * as pulumi from "@pulumi/pulumi";
import { type GraphClientFactory, graphClientFromEnvironment } from "../clients/graph";
import { graphPaths } from "../clients/graphPaths";
import { changedKeys, diffResult, requireStrings } from "../dynamic/support";
import { withStackConfig } from "../dynamic/withStackConfig";
import { NOT_ENTITLED, type OnDemandOutcome, notProvisionedMessage, readProvisionOnDemandResult } from "./provisionOnDemandResult";
import { RequestPacer } from "./requestPacer";

export type OnDemandObjectType = "User" | "Group";

export interface ProvisionOnDemandInputs {
    /** Object id of the service principal. */
    servicePrincipalId: string;
    synchronizationJobId: string;
    /** The synchronization rule to run (the schema's rule holding the User and Group mappings). */
    ruleId: string;
    /** Entra object id of the user or group. */
    objectId: string;
    objectTypeName: OnDemandObjectType;
    tenantId?: string;
}

export interface ProvisionOnDemandOutputs extends ProvisionOnDemandInputs {
    /** Entra's result: Success, or Skipped with RedundantExport (already in Auth0, unchanged). */
    result: string;
    /** Entra's skip or error code, when it gave one (RedundantExport). */
    errorCode?: string;
    /** What Entra did in Auth0: Create, Update, Other. */
    action?: string;
    /** The object's SCIM id in Auth0, when Entra reports it. */
    targetId?: string;
}

export interface ProvisionOnDemandProviderOptions {
    /** Shared by every on-demand call of the process. Default: 5 requests per 11 s (Microsoft: 5 per 10 s). */
    pacer?: RequestPacer;
    /**
     * Entra honours a new app assignment in on-demand provisioning only after "up to a few minutes" (Microsoft:
     * provision-on-demand.md, troubleshooting). A NotEffectivelyEntitled skip is retried this often. Default 10.
     */
    notEntitledRetries?: number;
    /** Wait between those retries. Default 30 s (10 retries: 5 minutes). */
    notEntitledDelayMs?: number;
    /** How long one on-demand request may take before it fails (it is not re-sent). Default ON_DEMAND_TIMEOUT_MS. */
    timeoutMs?: number;
    sleep?: (ms: number) => Promise<void>;
}

/**
 * Process-wide: Pulumi runs the on-demand resources of every connection in one provider process, in parallel.
 * 5 per 11 s: Microsoft's 5 per 10 s counted from when Graph receives a request, plus a second for the journey.
 * UNCONFIRMED whether Graph counts the limit per app, job or tenant: one budget for the process is the safe reading.
 */
const ON_DEMAND_PACER = new RequestPacer(5, 11_000);

/**
 * Provision on demand is synchronous: Graph answers once Entra has run the test against Auth0 (import, scoping,
 * matching, export). UNCONFIRMED how long that takes at most: Microsoft publishes no bound, so this allows two
 * minutes, four times the client's default, before the attempt counts as failed (and is not sent again).
 */
export const ON_DEMAND_TIMEOUT_MS = 120_000;

const IDENTITY = ["servicePrincipalId", "synchronizationJobId", "objectId", "objectTypeName", "tenantId"] as const;

/**
 * One subject per request, as Entra's API takes it ("a single group with up to 5 members at a time").
 * UNCONFIRMED: what Entra does with a group sent without `links.members` (config names groups, not members);
 * taken as: the group object is provisioned, its members as far as they are provisioned already.
 */
export function onDemandRequest(p: ProvisionOnDemandInputs): { parameters: SynchronizationJobApplicationParameters[] } {
    const subject: SynchronizationJobSubject = { objectId: p.objectId, objectTypeName: p.objectTypeName };
    return { parameters: [{ ruleId: p.ruleId, subjects: [subject] }] };
}

function outputs(p: ProvisionOnDemandInputs, o: OnDemandOutcome): ProvisionOnDemandOutputs {
    return {
        ...p,
        result: o.result,
        ...(o.errorCode ? { errorCode: o.errorCode } : {}),
        ...(o.action ? { action: o.action } : {}),
        ...(o.targetId ? { targetId: o.targetId } : {}),
    };
}

export function createProvider(
    clientFor: GraphClientFactory = graphClientFromEnvironment,
    options: ProvisionOnDemandProviderOptions = {},
): pulumi.dynamic.ResourceProvider<ProvisionOnDemandInputs, ProvisionOnDemandOutputs> {
    const pacer = options.pacer ?? ON_DEMAND_PACER;
    const retries = options.notEntitledRetries ?? 10;
    const delayMs = options.notEntitledDelayMs ?? 30_000;
    const timeoutMs = options.timeoutMs ?? ON_DEMAND_TIMEOUT_MS;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

    /** Provisions the subject once; retries only while Entra says it is not (yet) entitled. Throws when not provisioned. */
    const provision = async (p: ProvisionOnDemandInputs): Promise<ProvisionOnDemandOutputs> => {
        const client = clientFor(p.tenantId);
        const what = `${p.objectTypeName.toLowerCase()} ${p.objectId}`;
        for (let attempt = 1; ; attempt++) {
            // The POST runs the test again, so the client never re-sends it after a timeout or reset; a 429 (another
            // caller used the budget) or a 404 is, and every attempt first takes its turn at the pacer.
            const pair = await client.post<StringKeyStringValuePair>(
                graphPaths.jobAction(p.servicePrincipalId, p.synchronizationJobId, "provisionOnDemand"),
                onDemandRequest(p),
                {
                    operation: `provision ${what} on demand through job ${p.synchronizationJobId}`,
                    retryOnNotFound: true,
                    timeoutMs,
                    idempotent: false,
                    beforeAttempt: () => pacer.acquire(),
                },
            );
            const outcome = readProvisionOnDemandResult(pair ?? {});
            if (outcome.provisioned) return outputs(p, outcome);
            if (outcome.errorCode !== NOT_ENTITLED || attempt > retries) throw new Error(notProvisionedMessage(p, outcome, attempt));
            await sleep(delayMs);
        }
    };

    return {
        async check(_olds, news) {
            const failures = requireStrings(news, ["servicePrincipalId", "synchronizationJobId", "ruleId", "objectId"]);
            if (news.objectTypeName !== "User" && news.objectTypeName !== "Group") {
                failures.push({ property: "objectTypeName", reason: 'objectTypeName must be "User" or "Group"' });
            }
            return { inputs: news, failures };
        },

        // A new subject, job or tenant is a new test: replace, which runs it. The rule id is not: it is read from
        // the schema (unknown in a preview whenever the schema updates) and does not change what was tested.
        async diff(_id, olds: ProvisionOnDemandOutputs, news: ProvisionOnDemandInputs) {
            return diffResult(changedKeys(olds, news, IDENTITY), []);
        },

        async create(inputs: ProvisionOnDemandInputs) {
            const outs = await provision(inputs);
            return { id: `${inputs.servicePrincipalId}/${inputs.synchronizationJobId}/${inputs.objectTypeName}/${inputs.objectId}`, outs };
        },

        // The test ran once; nothing in Entra holds its result to read back.
        async read(id, props?: ProvisionOnDemandOutputs) {
            return props ? { id, props } : { id };
        },

        // Deleting the test undoes nothing: the subject stays in Auth0 (as with azuread's resource).
        async delete() {
            return;
        },
    };
}

export const provider = withStackConfig(createProvider());
