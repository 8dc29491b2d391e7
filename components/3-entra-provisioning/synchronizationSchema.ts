// The change set the stack makes to a synchronization job's schema (Microsoft Graph `synchronizationSchema`),
// as pure functions over the document. PUT replaces the whole schema, so every edit here starts from the live
// document and changes only what the stack manages:
// - `emails[type eq "work"].value` <- `mail` becomes a matching attribute at the configured precedence
//   (the walkthrough's "Match objects using this attribute = Yes, Matching precedence = 2");
// - the object mapping whose sourceObjectName is `Group` is enabled or disabled ("Provision Entra ID Groups");
// - attribute mappings from config are added or override Microsoft's.
// Everything else (directories, other mappings, metadata, unknown fields) is carried over untouched.
import type {
    AttributeDefinition,
    AttributeFlowType,
    AttributeMapping,
    AttributeMappingSource,
    ObjectDefinition,
    ObjectMapping,
    SynchronizationRule,
    SynchronizationSchema,
} from "@microsoft/microsoft-graph-types";
import type { EntraAttributeMapping } from "../config";
import { WORK_EMAIL_SCIM } from "../config";
import { mappingKey, normalizeTargetAttributeName, sameAttribute } from "../helpers/scimAttributes";

// Microsoft's Graph v1.0 types: tsc checks what is read and PUT against Microsoft's own definitions.
export type { AttributeMapping, AttributeMappingSource, ObjectMapping, SynchronizationRule };

/** A schema as GET returns it: Microsoft's synchronizationSchema, plus the response's `@odata.context`. */
export type SynchronizationSchemaDocument = SynchronizationSchema & { "@odata.context"?: string };

/** What the stack declares about the schema. */
export interface ManagedSchemaSettings {
    emailMatchingPrecedence: number;
    provisionGroups: boolean;
    attributeMappings: EntraAttributeMapping[];
}

/** A managed attribute mapping as read back from a live schema (the source may have become a function). */
export interface LiveAttributeMapping {
    targetAttributeName: string;
    source: string;
    sourceType: string;
    object: "User" | "Group";
    flowType: string;
    matchingPriority?: number;
}

export interface LiveSchemaSettings {
    emailMatchingPrecedence: number;
    provisionGroups: boolean;
    attributeMappings: LiveAttributeMapping[];
}

/** What a managed mapping was before the stack first changed it, so removing it from config can put it back. */
export interface AttributeMappingSnapshot {
    object: "User" | "Group";
    targetAttributeName: string;
    /** null: the stack added this mapping; removing it from config removes it. */
    original: AttributeMapping | null;
    /** The stack also added the target attribute to the target directory's object definition. */
    definitionAdded: boolean;
}

/** One edit; fields left undefined are not touched. */
export interface SchemaChange {
    emailMatchingPrecedence?: number;
    provisionGroups?: boolean;
    setAttributeMappings?: EntraAttributeMapping[];
    restoreAttributeMappings?: AttributeMappingSnapshot[];
}

export class SchemaChangeError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SchemaChangeError";
    }
}

function isWorkEmailOverride(m: EntraAttributeMapping): boolean {
    return m.object === "User" && sameAttribute(m.targetAttributeName, WORK_EMAIL_SCIM);
}

/** True when config maps the work e-mail itself; its own matchingPriority then replaces emailMatchingPrecedence. */
export function overridesWorkEmail(settings: Pick<ManagedSchemaSettings, "attributeMappings">): boolean {
    return settings.attributeMappings.some(isWorkEmailOverride);
}

export function attributeSource(name: string): AttributeMappingSource {
    return { expression: `[${name}]`, name, parameters: [], type: "Attribute" };
}

export function constantSource(value: string): AttributeMappingSource {
    return { expression: JSON.stringify(value), name: value, parameters: [], type: "Constant" };
}

function sourceFor(m: EntraAttributeMapping): AttributeMappingSource {
    return m.sourceType === "Constant" ? constantSource(m.source) : attributeSource(m.source);
}

function sameSource(a: AttributeMappingSource | null | undefined, b: AttributeMappingSource): boolean {
    if (!a) return false;
    return (a.type ?? "Attribute") === b.type && a.name === b.name && (a.expression ?? b.expression) === b.expression && (a.parameters ?? []).length === 0;
}

function objectMappings(doc: SynchronizationSchemaDocument, object: "User" | "Group"): { rule: SynchronizationRule; mapping: ObjectMapping }[] {
    const out: { rule: SynchronizationRule; mapping: ObjectMapping }[] = [];
    for (const rule of doc.synchronizationRules ?? []) {
        for (const mapping of rule.objectMappings ?? []) {
            if ((mapping.sourceObjectName ?? "").toLowerCase() === object.toLowerCase()) out.push({ rule, mapping });
        }
    }
    return out;
}

function findMapping(om: ObjectMapping, target: string): AttributeMapping | undefined {
    const list = om.attributeMappings ?? [];
    const t = normalizeTargetAttributeName(target);
    // Published documents hold `{}` placeholders; a mapping without a target name matches nothing.
    return list.find((a) => a.targetAttributeName === t) ?? list.find((a) => (a.targetAttributeName ?? "").toLowerCase() === t.toLowerCase());
}

function targetObject(doc: SynchronizationSchemaDocument, rule: SynchronizationRule, om: ObjectMapping): ObjectDefinition | undefined {
    const dir = (doc.directories ?? []).find((d) => d.name === rule.targetDirectoryName);
    return dir?.objects?.find((o) => o.name === om.targetObjectName);
}

function hasDefinition(obj: ObjectDefinition, name: string): boolean {
    return (obj.attributes ?? []).some((a) => (a.name ?? "").toLowerCase() === name.toLowerCase());
}

/** A String, read-write attribute definition: what the portal's "Edit attribute list" adds for a custom SCIM attribute. */
function stringDefinition(name: string): AttributeDefinition {
    return {
        anchor: false,
        apiExpressions: [],
        caseExact: false,
        defaultValue: null,
        flowNullValues: false,
        metadata: [],
        multivalued: false,
        mutability: "ReadWrite",
        name,
        referencedObjects: [],
        required: false,
        type: "String",
    };
}

interface MappingEdit {
    object: "User" | "Group";
    targetAttributeName: string;
    source: AttributeMappingSource;
    flowType?: AttributeFlowType;
    matchingPriority?: number;
}

/** Add or override one attribute mapping on every object mapping for that source object. Mutates `doc` (a copy). */
function upsert(doc: SynchronizationSchemaDocument, edit: MappingEdit): void {
    const targets = objectMappings(doc, edit.object);
    if (targets.length === 0) {
        throw new SchemaChangeError(
            `the synchronization schema has no object mapping with sourceObjectName "${edit.object}", so ${edit.targetAttributeName} cannot be mapped`,
        );
    }
    const target = normalizeTargetAttributeName(edit.targetAttributeName);
    for (const { rule, mapping } of targets) {
        const existing = findMapping(mapping, target);
        if (existing) {
            if (!sameSource(existing.source, edit.source)) existing.source = edit.source;
            if (edit.flowType !== undefined) existing.flowType = edit.flowType;
            if (edit.matchingPriority !== undefined) existing.matchingPriority = edit.matchingPriority;
            continue;
        }
        mapping.attributeMappings = [
            ...(mapping.attributeMappings ?? []),
            {
                defaultValue: null,
                exportMissingReferences: false,
                flowBehavior: "FlowWhenChanged",
                flowType: edit.flowType ?? "Always",
                matchingPriority: edit.matchingPriority ?? 0,
                source: edit.source,
                targetAttributeName: target,
            },
        ];
        const obj = targetObject(doc, rule, mapping);
        if (obj && !hasDefinition(obj, target)) obj.attributes = [...(obj.attributes ?? []), stringDefinition(target)];
    }
}

function restore(doc: SynchronizationSchemaDocument, snap: AttributeMappingSnapshot): void {
    const target = normalizeTargetAttributeName(snap.targetAttributeName);
    for (const { rule, mapping } of objectMappings(doc, snap.object)) {
        const list = mapping.attributeMappings ?? [];
        const i = list.findIndex((a) => (a.targetAttributeName ?? "").toLowerCase() === target.toLowerCase());
        if (snap.original === null) {
            if (i >= 0) mapping.attributeMappings = list.filter((_, j) => j !== i);
            const obj = targetObject(doc, rule, mapping);
            if (snap.definitionAdded && obj?.attributes) {
                obj.attributes = obj.attributes.filter((a) => (a.name ?? "").toLowerCase() !== target.toLowerCase());
            }
        } else if (i >= 0) {
            list[i] = structuredClone(snap.original);
        } else {
            mapping.attributeMappings = [...list, structuredClone(snap.original)];
        }
    }
}

/**
 * Matching priorities are an order (Microsoft: attributes are "evaluated in the order specified", the portal's
 * matching precedence), so two mappings with one priority are refused here, naming both. UNCONFIRMED: that Graph
 * itself rejects such a schema; no published source says what it does with a tie.
 */
function checkMatchingPriorities(doc: SynchronizationSchemaDocument): void {
    for (const rule of doc.synchronizationRules ?? []) {
        for (const om of rule.objectMappings ?? []) {
            const seen = new Map<number, string>();
            for (const a of om.attributeMappings ?? []) {
                const p = a.matchingPriority ?? 0;
                if (p <= 0) continue;
                const other = seen.get(p);
                if (other !== undefined) {
                    throw new SchemaChangeError(
                        `matching precedence ${p} would be used twice in "${om.name ?? om.sourceObjectName}" (${other} and ${a.targetAttributeName}); ` +
                            "each matching attribute needs its own precedence: change entra.emailMatchingPrecedence or the matchingPriority in entra.attributeMappings",
                    );
                }
                seen.set(p, a.targetAttributeName ?? "");
            }
        }
    }
}

/** Applies a change to a copy of the document; the input is never modified. */
export function applySchemaChange(doc: SynchronizationSchemaDocument, change: SchemaChange): SynchronizationSchemaDocument {
    const next = structuredClone(doc);
    for (const snap of change.restoreAttributeMappings ?? []) restore(next, snap);
    if (change.emailMatchingPrecedence !== undefined) {
        upsert(next, {
            object: "User",
            targetAttributeName: WORK_EMAIL_SCIM,
            source: attributeSource("mail"),
            matchingPriority: change.emailMatchingPrecedence,
        });
    }
    if (change.provisionGroups !== undefined) {
        const groups = objectMappings(next, "Group");
        if (groups.length === 0 && change.provisionGroups) {
            throw new SchemaChangeError(
                'the synchronization schema has no object mapping with sourceObjectName "Group", so group provisioning cannot be enabled',
            );
        }
        for (const { mapping } of groups) mapping.enabled = change.provisionGroups;
    }
    for (const m of change.setAttributeMappings ?? []) {
        upsert(next, {
            object: m.object,
            targetAttributeName: m.targetAttributeName,
            source: sourceFor(m),
            flowType: m.flowType,
            ...(m.matchingPriority !== undefined ? { matchingPriority: m.matchingPriority } : {}),
        });
    }
    checkMatchingPriorities(next);
    return next;
}

/** The whole declared state as one change (create, or re-applying everything). */
export function fullChange(settings: ManagedSchemaSettings): SchemaChange {
    return {
        ...(overridesWorkEmail(settings) ? {} : { emailMatchingPrecedence: settings.emailMatchingPrecedence }),
        provisionGroups: settings.provisionGroups,
        setAttributeMappings: settings.attributeMappings,
    };
}

/**
 * Only what differs between two declared states. `snapshots` are the originals recorded when the stack first
 * changed each mapping; mappings dropped from config are put back from them.
 */
export function changeBetween(olds: ManagedSchemaSettings, news: ManagedSchemaSettings, snapshots: AttributeMappingSnapshot[]): SchemaChange {
    const oldByKey = new Map(olds.attributeMappings.map((m) => [mappingKey(m), m]));
    const newKeys = new Set(news.attributeMappings.map(mappingKey));
    const set = news.attributeMappings.filter((m) => {
        const o = oldByKey.get(mappingKey(m));
        return !o || canonicalMapping(o) !== canonicalMapping(m);
    });
    const removed = olds.attributeMappings.filter((m) => !newKeys.has(mappingKey(m)));
    const snapByKey = new Map(snapshots.map((s) => [mappingKey(s), s]));
    const restoreList = removed.map(
        (m) => snapByKey.get(mappingKey(m)) ?? { object: m.object, targetAttributeName: m.targetAttributeName, original: null, definitionAdded: false },
    );
    const change: SchemaChange = {};
    if (restoreList.length > 0) change.restoreAttributeMappings = restoreList;
    // Dropping a work e-mail override puts Microsoft's mapping back: the declared precedence must follow it.
    const emailRestored = removed.some(isWorkEmailOverride);
    if (!overridesWorkEmail(news) && (emailRestored || olds.emailMatchingPrecedence !== news.emailMatchingPrecedence)) {
        change.emailMatchingPrecedence = news.emailMatchingPrecedence;
    }
    if (olds.provisionGroups !== news.provisionGroups) change.provisionGroups = news.provisionGroups;
    if (set.length > 0) change.setAttributeMappings = set;
    return change;
}

export function isEmptyChange(c: SchemaChange): boolean {
    return (
        c.emailMatchingPrecedence === undefined &&
        c.provisionGroups === undefined &&
        (c.setAttributeMappings ?? []).length === 0 &&
        (c.restoreAttributeMappings ?? []).length === 0
    );
}

/** Records what each mapping is now (before the stack changes it). */
export function snapshotAttributeMappings(doc: SynchronizationSchemaDocument, mappings: EntraAttributeMapping[]): AttributeMappingSnapshot[] {
    return mappings.map((m) => {
        const target = normalizeTargetAttributeName(m.targetAttributeName);
        const first = objectMappings(doc, m.object)[0];
        const existing = first ? findMapping(first.mapping, target) : undefined;
        const obj = first ? targetObject(doc, first.rule, first.mapping) : undefined;
        return {
            object: m.object,
            targetAttributeName: target,
            original: existing ? structuredClone(existing) : null,
            definitionAdded: !existing && obj !== undefined && !hasDefinition(obj, target),
        };
    });
}

/**
 * The live values of what the stack manages, in the shape of its inputs, so a portal edit shows up as a
 * difference (drift) on `pulumi refresh`. `declared` says which mappings to look at and which fields were set.
 */
export function readManagedSettings(doc: SynchronizationSchemaDocument, declared: ManagedSchemaSettings): LiveSchemaSettings {
    const users = objectMappings(doc, "User");
    const groups = objectMappings(doc, "Group");
    let emailMatchingPrecedence = declared.emailMatchingPrecedence;
    if (!overridesWorkEmail(declared)) {
        const email = users[0] ? findMapping(users[0].mapping, WORK_EMAIL_SCIM) : undefined;
        const fromMail = email?.source && (email.source.type ?? "Attribute") === "Attribute" && email.source.name === "mail";
        // Not mapped from mail any more counts as "not the walkthrough's matching attribute": 0.
        emailMatchingPrecedence = fromMail ? (email?.matchingPriority ?? 0) : 0;
    }
    const attributeMappings: LiveAttributeMapping[] = [];
    for (const m of declared.attributeMappings) {
        const om = objectMappings(doc, m.object)[0];
        const live = om ? findMapping(om.mapping, m.targetAttributeName) : undefined;
        if (!live) continue;
        const type = live.source?.type ?? "Attribute";
        attributeMappings.push({
            targetAttributeName: m.targetAttributeName,
            source: (type === "Function" ? live.source?.expression : live.source?.name) ?? "",
            sourceType: type,
            object: m.object,
            flowType: live.flowType ?? "Always",
            ...(m.matchingPriority !== undefined ? { matchingPriority: live.matchingPriority ?? 0 } : {}),
        });
    }
    return {
        emailMatchingPrecedence,
        provisionGroups: groups.length > 0 && groups.every((g) => g.mapping.enabled !== false),
        attributeMappings,
    };
}

/** Id of the synchronization rule that holds the User object mapping (provision on demand needs it). */
export function userRuleId(doc: SynchronizationSchemaDocument): string | undefined {
    return objectMappings(doc, "User")[0]?.rule.id ?? undefined;
}

/** Order-independent text of one mapping, for comparisons. */
export function canonicalMapping(m: EntraAttributeMapping | LiveAttributeMapping): string {
    return JSON.stringify([
        m.object,
        normalizeTargetAttributeName(m.targetAttributeName).toLowerCase(),
        m.sourceType ?? "Attribute",
        m.source,
        m.flowType ?? "Always",
        m.matchingPriority ?? null,
    ]);
}

/** Equal declared mappings, in any order. */
export function sameAttributeMappings(
    a: readonly (EntraAttributeMapping | LiveAttributeMapping)[] | undefined,
    b: readonly (EntraAttributeMapping | LiveAttributeMapping)[] | undefined,
): boolean {
    const ca = (a ?? []).map(canonicalMapping).sort();
    const cb = (b ?? []).map(canonicalMapping).sort();
    return ca.length === cb.length && ca.every((x, i) => x === cb[i]);
}

/** Deep equality for JSON documents, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
        const bb = b as unknown[];
        return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
    }
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
    const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
    return ak.length === bk.length && ak.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** The body for PUT: the document without response metadata such as `@odata.context`. */
export function schemaPutBody(doc: SynchronizationSchemaDocument): SynchronizationSchema {
    return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.includes("@odata.context"))) as SynchronizationSchema;
}
