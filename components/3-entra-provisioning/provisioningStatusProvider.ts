// Dynamic provider of ProvisioningStatus: reads the job, then POST .../jobs/{id}/start or .../pause only when the
// job is not already where the stack wants it; read maps the job's status code and schedule state to on/off.
import type { SynchronizationJob } from "@microsoft/microsoft-graph-types";
import type * as pulumi from "@pulumi/pulumi";
import { type GraphClient, type GraphClientFactory, graphClientFromEnvironment } from "../clients/graph";
import { isNotFound } from "../clients/graphError";
import { graphPaths } from "../clients/graphPaths";
import { changedKeys, diffResult, requireStrings } from "../dynamic/support";
import { withStackConfig } from "../dynamic/withStackConfig";

export interface ProvisioningStatusInputs {
    servicePrincipalId: string;
    synchronizationJobId: string;
    enabled: boolean;
    tenantId?: string;
}

export interface ProvisioningStatusOutputs extends ProvisioningStatusInputs {
    statusCode: string;
}

/** The parts of a job that say whether it runs. */
export type SynchronizationJobState = Pick<SynchronizationJob, "schedule" | "status">;

/**
 * On or off as the portal shows it, from the status code and the schedule state together:
 * - Active, and Quarantine (a started job Entra retries at longer intervals): on;
 * - Paused, NotConfigured: off;
 * - NotRun means "configured, and possibly started, but hasn't completed its first run" (Microsoft's
 *   synchronizationStatus): on when the schedule is active (started, first cycle pending), else off;
 * - a code this code does not know: the schedule state decides.
 */
export function isProvisioningOn(job: SynchronizationJobState): boolean {
    switch (job.status?.code) {
        case "Active":
        case "Quarantine":
            return true;
        case "Paused":
        case "NotConfigured":
            return false;
        default:
            return job.schedule?.state === "Active";
    }
}

/**
 * Whether turning provisioning On needs POST .../start. Microsoft: use start only when the job is paused or in
 * quarantine; calling it on a running job can stop the service. A job that is off for another reason (never
 * started: NotConfigured, or NotRun with a disabled schedule) needs start to begin its first cycle.
 */
export function needsStart(job: SynchronizationJobState): boolean {
    return job.status?.code === "Quarantine" || !isProvisioningOn(job);
}

export function createProvider(
    clientFor: GraphClientFactory = graphClientFromEnvironment,
): pulumi.dynamic.ResourceProvider<ProvisioningStatusInputs, ProvisioningStatusOutputs> {
    const getJob = (client: GraphClient, p: ProvisioningStatusInputs, retryOnNotFound: boolean) =>
        client.get<SynchronizationJob>(graphPaths.job(p.servicePrincipalId, p.synchronizationJobId), {
            operation: `read synchronization job ${p.synchronizationJobId}`,
            retryOnNotFound,
        });

    /** Start or pause when the job is not already so, then report the status Graph gives back. */
    const apply = async (p: ProvisioningStatusInputs): Promise<ProvisioningStatusOutputs> => {
        const client = clientFor(p.tenantId);
        // Right after the job is created Graph may answer 404 for a while.
        const before = await getJob(client, p, true);
        const action = p.enabled ? (needsStart(before) ? "start" : undefined) : isProvisioningOn(before) ? "pause" : undefined;
        if (action === undefined) return { ...p, statusCode: before.status?.code ?? "" };
        await client.post(graphPaths.jobAction(p.servicePrincipalId, p.synchronizationJobId, action), undefined, {
            operation: `${action} synchronization job ${p.synchronizationJobId} (provisioning status ${p.enabled ? "On" : "Off"})`,
            retryOnNotFound: true,
            // Starting a started job or pausing a paused one changes nothing: safe to re-send after a timeout.
            idempotent: true,
        });
        const after = await getJob(client, p, true);
        return { ...p, statusCode: after.status?.code ?? "" };
    };

    return {
        async check(_olds, news) {
            const failures = requireStrings(news, ["servicePrincipalId", "synchronizationJobId"]);
            if (typeof news.enabled !== "boolean") failures.push({ property: "enabled", reason: "enabled must be true or false" });
            return { inputs: news, failures };
        },

        async diff(_id, olds: ProvisioningStatusOutputs, news: ProvisioningStatusInputs) {
            return diffResult(changedKeys(olds, news, ["servicePrincipalId", "synchronizationJobId", "tenantId"]), changedKeys(olds, news, ["enabled"]));
        },

        async create(inputs: ProvisioningStatusInputs) {
            return { id: `${inputs.servicePrincipalId}/${inputs.synchronizationJobId}`, outs: await apply(inputs) };
        },

        async read(id, props?: ProvisioningStatusOutputs) {
            const [sp, ...rest] = id.split("/");
            const p = {
                ...props,
                servicePrincipalId: props?.servicePrincipalId ?? sp,
                synchronizationJobId: props?.synchronizationJobId ?? rest.join("/"),
            } as ProvisioningStatusOutputs;
            let job: SynchronizationJob;
            try {
                job = await getJob(clientFor(p.tenantId), p, false);
            } catch (e) {
                if (isNotFound(e)) return {};
                throw e;
            }
            return { id, props: { ...p, enabled: isProvisioningOn(job), statusCode: job.status?.code ?? "" } };
        },

        async update(_id, _olds: ProvisioningStatusOutputs, news: ProvisioningStatusInputs) {
            return { outs: await apply(news) };
        },

        // Provisioning Off. A job that is already gone needs nothing.
        async delete(_id, props: ProvisioningStatusOutputs) {
            try {
                await clientFor(props.tenantId).post(graphPaths.jobAction(props.servicePrincipalId, props.synchronizationJobId, "pause"), undefined, {
                    operation: `pause synchronization job ${props.synchronizationJobId} (resource deleted)`,
                    idempotent: true,
                });
            } catch (e) {
                if (!isNotFound(e)) throw e;
            }
        },
    };
}

export const provider = withStackConfig(createProvider());
