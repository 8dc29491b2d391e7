// SynchronizationSchema: the provisioning schema of a synchronization job, as the walkthrough leaves it
// (work e-mail matching at precedence 2, "Provision Entra ID Groups" on or off, extra attribute mappings).
// @pulumi/azuread has no resource for it (azuread issues #1332, #1429); the logic is in synchronizationSchema.ts,
// the Graph calls in providers/synchronizationSchemaProvider.ts.
import type * as pulumi from "@pulumi/pulumi";
import type { EntraAttributeMapping } from "../config";
import { DynamicResource } from "../dynamic/dynamicResource";
import type { LiveAttributeMapping } from "./synchronizationSchema";

export interface SynchronizationSchemaArgs {
    /** Object id of the service principal (azuread ServicePrincipal `objectId` / template `servicePrincipalObjectId`). */
    servicePrincipalId: pulumi.Input<string>;
    /** azuread SynchronizationJob id (`scim.<tenant>.<guid>`). */
    synchronizationJobId: pulumi.Input<string>;
    /** Tenant for the Graph token; default azuread:tenantId, else ARM_TENANT_ID (docs/credentials.md). */
    tenantId?: pulumi.Input<string>;
    /** Matching precedence of `emails[type eq "work"].value` <- `mail`; default 2 (userName keeps 1). */
    emailMatchingPrecedence?: pulumi.Input<number>;
    /** "Provision Entra ID Groups": enables or disables the Group object mapping. */
    provisionGroups: pulumi.Input<boolean>;
    /** Added or overriding attribute mappings (config `entra.attributeMappings`). */
    attributeMappings?: pulumi.Input<pulumi.Input<EntraAttributeMapping>[]>;
}

/**
 * Outputs in the state also hold originalAttributeMappings, what each managed mapping was before the stack changed
 * it (the provider restores it when the mapping leaves config); not declared here, since the program does not read
 * it. Declared outputs are only what the program reads: each costs the SDK four traced promises per resource (issue 16).
 */
export class SynchronizationSchema extends DynamicResource {
    declare readonly servicePrincipalId: pulumi.Output<string>;
    declare readonly synchronizationJobId: pulumi.Output<string>;
    declare readonly tenantId: pulumi.Output<string | undefined>;
    declare readonly emailMatchingPrecedence: pulumi.Output<number>;
    declare readonly provisionGroups: pulumi.Output<boolean>;
    /** As declared; after `pulumi refresh`, as found in the live schema. */
    declare readonly attributeMappings: pulumi.Output<(EntraAttributeMapping | LiveAttributeMapping)[]>;
    /** Id of the synchronization rule holding the User mapping: `ruleId` for provision on demand. */
    declare readonly synchronizationRuleId: pulumi.Output<string>;

    constructor(name: string, args: SynchronizationSchemaArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            "SynchronizationSchema",
            name,
            {
                servicePrincipalId: args.servicePrincipalId,
                synchronizationJobId: args.synchronizationJobId,
                tenantId: args.tenantId,
                emailMatchingPrecedence: args.emailMatchingPrecedence ?? 2,
                provisionGroups: args.provisionGroups,
                attributeMappings: args.attributeMappings ?? [],
                synchronizationRuleId: undefined,
            },
            opts,
        );
    }
}
