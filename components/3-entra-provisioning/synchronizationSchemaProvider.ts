// Dynamic provider of SynchronizationSchema: the synchronization job's schema with the stack's change set
// applied (work e-mail matching precedence, Group object mapping on/off, configured attribute mappings).
// Loaded inside the provider process from its `__provider` text (components/dynamic/providerText.ts); credentials
// are resolved when a method runs, from the stack config the host delivered, then the environment
// (components/clients/graph.ts, components/clients/credentials), never from state.
import type * as pulumi from "@pulumi/pulumi";
import type { EntraAttributeMapping } from "../config";
import { type GraphClientFactory, graphClientFromEnvironment } from "../clients/graph";
import { isNotFound } from "../clients/graphError";
import { graphPaths } from "../clients/graphPaths";
import {
    applySchemaChange,
    type AttributeMappingSnapshot,
    changeBetween,
    fullChange,
    jsonEqual,
    type LiveAttributeMapping,
    type ManagedSchemaSettings,
    readManagedSettings,
    sameAttributeMappings,
    schemaPutBody,
    snapshotAttributeMappings,
    type SynchronizationSchemaDocument,
    userRuleId,
} from "./synchronizationSchema";
import { mappingKey, normalizeTargetAttributeName } from "../helpers/scimAttributes";
import { changedKeys, diffResult, requireStrings } from "../dynamic/support";
import { withStackConfig } from "../dynamic/withStackConfig";

export interface SynchronizationSchemaInputs {
    /** Object id of the service principal (not the application/client id). */
    servicePrincipalId: string;
    synchronizationJobId: string;
    /** Entra tenant for the Graph token; default azuread:tenantId, else ARM_TENANT_ID. */
    tenantId?: string;
    emailMatchingPrecedence: number;
    provisionGroups: boolean;
    attributeMappings: EntraAttributeMapping[];
}

export interface SynchronizationSchemaOutputs extends Omit<SynchronizationSchemaInputs, "attributeMappings"> {
    /** As declared; after a refresh, as found in the live schema (a mapping missing there is missing here). */
    attributeMappings: (EntraAttributeMapping | LiveAttributeMapping)[];
    /** What each managed mapping was before the stack changed it; put back when the mapping leaves config. */
    originalAttributeMappings: AttributeMappingSnapshot[];
    /** Id of the rule holding the User object mapping: the ruleId provision on demand needs. */
    synchronizationRuleId: string;
}

const IDENTITY = ["servicePrincipalId", "synchronizationJobId", "tenantId"] as const;

function schemaPath(p: Pick<SynchronizationSchemaInputs, "servicePrincipalId" | "synchronizationJobId">): string {
    return graphPaths.schema(p.servicePrincipalId, p.synchronizationJobId);
}

function what(p: Pick<SynchronizationSchemaInputs, "synchronizationJobId">): string {
    return `synchronization schema of job ${p.synchronizationJobId}`;
}

function settingsOf(p: SynchronizationSchemaInputs | SynchronizationSchemaOutputs): ManagedSchemaSettings {
    return {
        emailMatchingPrecedence: p.emailMatchingPrecedence,
        provisionGroups: p.provisionGroups,
        // Live mappings that became functions never equal a declared one, which is what drift needs.
        attributeMappings: (p.attributeMappings ?? []) as EntraAttributeMapping[],
    };
}

export function createProvider(
    clientFor: GraphClientFactory = graphClientFromEnvironment,
): pulumi.dynamic.ResourceProvider<SynchronizationSchemaInputs, SynchronizationSchemaOutputs> {
    type Target = Pick<SynchronizationSchemaInputs, "servicePrincipalId" | "synchronizationJobId" | "tenantId">;
    const getSchema = (p: Target, retryOnNotFound: boolean) =>
        clientFor(p.tenantId).get<SynchronizationSchemaDocument>(schemaPath(p), { operation: `read ${what(p)}`, retryOnNotFound });

    /** PUT only when the document really changes: re-applying the same declaration is a no-op. */
    const write = async (p: Target, live: SynchronizationSchemaDocument, next: SynchronizationSchemaDocument) => {
        if (jsonEqual(live, next)) return;
        await clientFor(p.tenantId).put(schemaPath(p), schemaPutBody(next), { operation: `write ${what(p)}`, retryOnNotFound: true });
    };

    const outputs = (
        p: SynchronizationSchemaInputs,
        snapshots: AttributeMappingSnapshot[],
        doc: SynchronizationSchemaDocument,
    ): SynchronizationSchemaOutputs => ({
        ...p,
        originalAttributeMappings: snapshots,
        synchronizationRuleId: userRuleId(doc) ?? "",
    });

    return {
        async check(_olds, news) {
            const inputs = news as Partial<SynchronizationSchemaInputs>;
            const failures = requireStrings(inputs, ["servicePrincipalId", "synchronizationJobId"]);
            const precedence = inputs.emailMatchingPrecedence ?? 2;
            if (!Number.isInteger(precedence) || precedence < 2) {
                failures.push({ property: "emailMatchingPrecedence", reason: "must be a whole number of 2 or more (1 belongs to userName)" });
            }
            const attributeMappings = (inputs.attributeMappings ?? []).map((m) => ({
                ...m,
                targetAttributeName: normalizeTargetAttributeName(m.targetAttributeName),
            }));
            const seen = new Set<string>();
            for (const m of attributeMappings) {
                if (seen.has(mappingKey(m))) failures.push({ property: "attributeMappings", reason: `${m.object} ${m.targetAttributeName} is mapped twice` });
                seen.add(mappingKey(m));
            }
            // Typed as complete: a missing id is among the failures, and the engine stops there.
            const checked = { ...inputs, emailMatchingPrecedence: precedence, provisionGroups: inputs.provisionGroups ?? false, attributeMappings };
            return { inputs: checked as SynchronizationSchemaInputs, failures };
        },

        // Local only: `pulumi preview` makes no Graph call.
        async diff(_id, olds: SynchronizationSchemaOutputs, news: SynchronizationSchemaInputs) {
            const replaces = changedKeys(olds, news, IDENTITY);
            const updates = changedKeys(olds, news, ["emailMatchingPrecedence", "provisionGroups"]);
            if (!sameAttributeMappings(olds.attributeMappings, news.attributeMappings)) updates.push("attributeMappings");
            return diffResult(replaces, updates);
        },

        async create(inputs: SynchronizationSchemaInputs) {
            // Right after the job is created Graph may answer 404 for a while.
            const live = await getSchema(inputs, true);
            const snapshots = snapshotAttributeMappings(live, inputs.attributeMappings);
            const next = applySchemaChange(live, fullChange(settingsOf(inputs)));
            await write(inputs, live, next);
            return { id: `${inputs.servicePrincipalId}/${inputs.synchronizationJobId}`, outs: outputs(inputs, snapshots, next) };
        },

        async read(id, props?: SynchronizationSchemaOutputs) {
            const [sp, ...rest] = id.split("/");
            const p = {
                ...props,
                servicePrincipalId: props?.servicePrincipalId ?? sp,
                synchronizationJobId: props?.synchronizationJobId ?? rest.join("/"),
            } as SynchronizationSchemaOutputs;
            let live: SynchronizationSchemaDocument;
            try {
                live = await getSchema(p, false);
            } catch (e) {
                // The job (or its service principal) is gone: so is this resource.
                if (isNotFound(e)) return {};
                throw e;
            }
            const declared: ManagedSchemaSettings = {
                emailMatchingPrecedence: p.emailMatchingPrecedence ?? 2,
                provisionGroups: p.provisionGroups ?? false,
                attributeMappings: (p.attributeMappings ?? []) as EntraAttributeMapping[],
            };
            const found = readManagedSettings(live, declared);
            return {
                id,
                props: { ...p, ...found, originalAttributeMappings: p.originalAttributeMappings ?? [], synchronizationRuleId: userRuleId(live) ?? "" },
            };
        },

        async update(_id, olds: SynchronizationSchemaOutputs, news: SynchronizationSchemaInputs) {
            const live = await getSchema(news, true);
            // Keep the first-seen original of mappings still declared; record one for mappings declared now.
            const newKeys = new Set(news.attributeMappings.map(mappingKey));
            const kept = (olds.originalAttributeMappings ?? []).filter((s) => newKeys.has(mappingKey(s)));
            const keptKeys = new Set(kept.map(mappingKey));
            const added = snapshotAttributeMappings(
                live,
                news.attributeMappings.filter((m) => !keptKeys.has(mappingKey(m))),
            );
            const change = changeBetween(settingsOf(olds), settingsOf(news), olds.originalAttributeMappings ?? []);
            const next = applySchemaChange(live, change);
            await write(news, live, next);
            return { outs: outputs(news, [...kept, ...added], next) };
        },

        // Back to Microsoft's default schema for the job's template: every customisation goes, including any
        // made in the portal. A job that no longer exists has no schema to reset.
        async delete(_id, props: SynchronizationSchemaOutputs) {
            try {
                await clientFor(props.tenantId).delete(schemaPath(props), { operation: `reset ${what(props)} to Microsoft's default` });
            } catch (e) {
                if (!isNotFound(e)) throw e;
            }
        },
    };
}

export const provider = withStackConfig(createProvider());
