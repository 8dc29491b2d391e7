// Dynamic provider of ProvisioningStatus: POST .../jobs/{id}/start or .../pause; read maps status.code to on/off.
import type * as pulumi from "@pulumi/pulumi";
import { type GraphClient, type GraphClientFactory, graphClientFromEnvironment, graphPaths, isNotFound } from "../clients/graph";
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

interface SynchronizationJobView {
    schedule?: { state?: string } | null;
    status?: { code?: string } | null;
}

/**
 * On or off as the portal shows it. Quarantine is a started job that Entra retries at longer intervals: on.
 * NotConfigured, NotRun and Paused: off. An unknown code falls back to the schedule state.
 */
export function isProvisioningOn(job: SynchronizationJobView): boolean {
    switch ((job.status?.code ?? "").toLowerCase()) {
        case "active":
        case "quarantine":
            return true;
        case "paused":
        case "notconfigured":
        case "notrun":
            return false;
        default:
            return (job.schedule?.state ?? "").toLowerCase() === "active";
    }
}

export function createProvider(clientFor: GraphClientFactory = graphClientFromEnvironment): pulumi.dynamic.ResourceProvider {
    const getJob = (client: GraphClient, p: ProvisioningStatusInputs, retryOnNotFound: boolean) =>
        client.get<SynchronizationJobView>(graphPaths.job(p.servicePrincipalId, p.synchronizationJobId), {
            operation: `read synchronization job ${p.synchronizationJobId}`,
            retryOnNotFound,
        });

    /** Start or pause, then report the status Graph gives back. */
    const apply = async (p: ProvisioningStatusInputs): Promise<ProvisioningStatusOutputs> => {
        const client = clientFor(p.tenantId);
        const action = p.enabled ? "start" : "pause";
        await client.post(graphPaths.jobAction(p.servicePrincipalId, p.synchronizationJobId, action), undefined, {
            operation: `${action} synchronization job ${p.synchronizationJobId} (provisioning status ${p.enabled ? "On" : "Off"})`,
            retryOnNotFound: true,
        });
        const job = await getJob(client, p, true);
        return { ...p, statusCode: job.status?.code ?? "" };
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
            let job: SynchronizationJobView;
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
                });
            } catch (e) {
                if (!isNotFound(e)) throw e;
            }
        },
    };
}

export const provider = withStackConfig(createProvider());
