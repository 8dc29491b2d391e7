// `npm run plan -- --json`: the plan for pipelines, in a shape documented in docs/plan.md (planVersion 1).
// Fields are only ever added within a version. Secrets are "[secret]", as in the text plan.
import * as path from "node:path";
import type { ConfigProblem } from "../../components/config";
import { PROJECT } from "../../components/config";
import { resourceTree } from "./format";
import { type MappingChange, scimMappingChanges } from "./mappings";
import type { PlanResult } from "./plan";
import type { RecordedResource } from "./simulation";
import type { ValueSource } from "./sources";
import type { PlanWarning } from "./warnings";

export const PLAN_VERSION = 1;

export interface JsonResource {
    /** Type token, e.g. `azuread:index/servicePrincipal:ServicePrincipal`. */
    type: string;
    name: string;
    /** False for components. */
    custom: boolean;
    /** Name of the parent resource; absent at the top. */
    parent?: string;
    /** Inputs as the provider would get them, secrets as "[secret]" (custom resources only). */
    inputs: Record<string, unknown>;
    /** Names of the resources this one waits for (its inputs' sources and dependsOn). */
    dependsOn: string[];
}

export interface JsonConnection {
    name: string;
    kind: "managed-entra" | "auth0-only";
    entraTenantId?: string;
    /** SCIM mappings that differ from the defaults (added, or mapped to another Auth0 attribute). */
    scimMappingChanges: MappingChange[];
    resources: JsonResource[];
    /** The connection's entry of the `connections` stack output (simulated values). */
    outputs: Record<string, unknown>;
}

export interface PlanJson {
    planVersion: typeof PLAN_VERSION;
    /** Always true: provider answers are stand-ins. */
    simulated: true;
    /** The stack file's name. */
    file: string;
    auth0Domain: ValueSource;
    entraTenant: ValueSource;
    /** With monitoring on: the subscription it deploys into for the stack's own tenant, and where it came from. */
    azureSubscription?: ValueSource;
    connections: JsonConnection[];
    /** Resources outside any connection (monitoring, providers). */
    stackResources: JsonResource[];
    warnings: PlanWarning[];
    summary: { connections: number; resources: number };
}

export interface PlanJsonError {
    planVersion: typeof PLAN_VERSION;
    error: { kind: "config" | "usage" | "internal"; message: string; problems: ConfigProblem[] };
}

function toJson(r: RecordedResource, names: Map<string, string>): JsonResource {
    const inputs = Object.fromEntries(Object.entries(r.displayInputs).filter(([k]) => k !== "__provider"));
    const parent = names.get(r.parent);
    return {
        type: r.type,
        name: r.name,
        custom: r.custom,
        ...(parent !== undefined ? { parent } : {}),
        inputs: r.custom ? inputs : {},
        dependsOn: [...new Set(r.dependencies.map((u) => names.get(u) ?? u))],
    };
}

export function planJson(result: PlanResult): PlanJson {
    const names = new Map(result.monitor.recorded.map((r) => [r.urn, r.name]));
    const { children, roots } = resourceTree(result.monitor.recorded);
    const subtree = (r: RecordedResource): RecordedResource[] => [r, ...(children.get(r.urn) ?? []).flatMap(subtree)];
    const outputs = (result.outputs.connections ?? {}) as Record<string, Record<string, unknown>>;
    const connectionType = `${PROJECT}:index:ScimConnection`;
    const connections: JsonConnection[] = result.settings.connections.map((c) => ({
        name: c.name,
        kind: c.entra ? "managed-entra" : "auth0-only",
        ...(c.entra ? { entraTenantId: c.entra.tenantId } : {}),
        scimMappingChanges: scimMappingChanges(c.scim.mappings),
        resources: roots
            .filter((r) => r.type === connectionType && r.name === c.name)
            .flatMap(subtree)
            .map((r) => toJson(r, names)),
        outputs: outputs[c.name] ?? {},
    }));
    const stackResources = roots
        .filter((r) => r.type !== connectionType && r.type !== "pulumi:pulumi:Stack")
        .flatMap(subtree)
        .map((r) => toJson(r, names));
    return {
        planVersion: PLAN_VERSION,
        simulated: true,
        file: path.basename(result.file),
        auth0Domain: result.sources.auth0Domain,
        entraTenant: result.sources.entraTenantId,
        ...(result.settings.monitoring ? { azureSubscription: result.sources.azureSubscriptionId } : {}),
        connections,
        stackResources,
        warnings: result.warnings,
        summary: { connections: connections.length, resources: result.monitor.recorded.filter((r) => r.custom).length },
    };
}

export function planJsonError(kind: PlanJsonError["error"]["kind"], message: string, problems: ConfigProblem[] = []): PlanJsonError {
    return { planVersion: PLAN_VERSION, error: { kind, message, problems } };
}
