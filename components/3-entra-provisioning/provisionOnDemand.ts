// ProvisionOnDemand: the walkthrough's "Provision on demand" test for ONE user or group, named after it, so the
// preview lists each test and a failure names its subject. Create provisions the subject (paced to Entra's 5
// requests per 10 s) and fails `pulumi up` with Entra's reason when it was not provisioned; delete does nothing.
// Replaces azuread.SynchronizationJobProvisionOnDemand, which sends every subject in one request and discards
// Entra's answer. The Graph calls are in provisionOnDemandProvider.ts.
import type * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../dynamic/dynamicResource";
import type { OnDemandObjectType } from "./provisionOnDemandProvider";

export interface ProvisionOnDemandArgs {
    /** Object id of the service principal. */
    servicePrincipalId: pulumi.Input<string>;
    /** Graph's job id (`scim.<tenant>.<guid>`). */
    synchronizationJobId: pulumi.Input<string>;
    /** Synchronization rule to run: SynchronizationSchema `synchronizationRuleId`. */
    ruleId: pulumi.Input<string>;
    /** Entra object id of the user or group to provision. */
    objectId: pulumi.Input<string>;
    /** "User" or "Group". */
    objectTypeName: pulumi.Input<OnDemandObjectType>;
    /** Tenant for the Graph token; default azuread:tenantId, else ARM_TENANT_ID. */
    tenantId?: pulumi.Input<string>;
}

/**
 * Outputs in the state (ProvisionOnDemandOutputs), not declared here since the program reads none of them: result
 * (Success, or Skipped with errorCode RedundantExport: already in Auth0, unchanged), errorCode, action (what Entra
 * did in Auth0: Create, Update, Other) and targetId (the subject's SCIM id in Auth0, when Entra reports it).
 * Declared outputs are only what the program reads: each costs the SDK four traced promises per resource (issue 16).
 */
export class ProvisionOnDemand extends DynamicResource {
    declare readonly servicePrincipalId: pulumi.Output<string>;
    declare readonly synchronizationJobId: pulumi.Output<string>;
    declare readonly ruleId: pulumi.Output<string>;
    declare readonly objectId: pulumi.Output<string>;
    declare readonly objectTypeName: pulumi.Output<OnDemandObjectType>;
    declare readonly tenantId: pulumi.Output<string | undefined>;

    constructor(name: string, args: ProvisionOnDemandArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "ProvisionOnDemand",
            name,
            {
                servicePrincipalId: args.servicePrincipalId,
                synchronizationJobId: args.synchronizationJobId,
                ruleId: args.ruleId,
                objectId: args.objectId,
                objectTypeName: args.objectTypeName,
                tenantId: args.tenantId,
            },
            opts,
        );
    }
}
