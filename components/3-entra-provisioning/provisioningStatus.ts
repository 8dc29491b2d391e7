// ProvisioningStatus: the portal's "Provisioning Status On/Off" for a synchronization job.
// The stack creates azuread.SynchronizationJob with enabled false (and ignoreChanges ["enabled"]) so no cycle
// can run before the schema (groups on/off, e-mail matching) is applied; this resource, ordered after the
// schema and the provision-on-demand test, starts the job (POST .../start) or pauses it (POST .../pause).
// Delete pauses the job.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../dynamic/dynamicResource";

export interface ProvisioningStatusArgs {
    /** Object id of the service principal. */
    servicePrincipalId: pulumi.Input<string>;
    /** Graph's id of the synchronization job (`scim.<...>`), not azuread's resource id. */
    synchronizationJobId: pulumi.Input<string>;
    /** On (start) or Off (pause). */
    enabled: pulumi.Input<boolean>;
    /** Tenant for the Graph token; default azuread:tenantId, else ARM_TENANT_ID (docs/credentials.md). */
    tenantId?: pulumi.Input<string>;
}

/**
 * Outputs in the state (ProvisioningStatusOutputs) also hold statusCode, the job's status.code when last read or
 * written (NotConfigured, NotRun, Active, Paused, Quarantine); not declared here, since the program does not read it.
 * Declared outputs are only what the program reads: each costs the SDK four traced promises per resource (issue 16).
 */
export class ProvisioningStatus extends DynamicResource {
    declare readonly servicePrincipalId: pulumi.Output<string>;
    declare readonly synchronizationJobId: pulumi.Output<string>;
    /** As declared; after `pulumi refresh`, what the job's status says (Active/Quarantine = on). */
    declare readonly enabled: pulumi.Output<boolean>;
    declare readonly tenantId: pulumi.Output<string | undefined>;

    constructor(name: string, args: ProvisioningStatusArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "ProvisioningStatus",
            name,
            {
                servicePrincipalId: args.servicePrincipalId,
                synchronizationJobId: args.synchronizationJobId,
                enabled: args.enabled,
                tenantId: args.tenantId,
            },
            opts,
        );
    }
}
