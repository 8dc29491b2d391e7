// The schema change set as pure functions over real-shaped documents: the composed default `scim` schema
// and Microsoft's published (partial) examples.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { EntraAttributeMapping } from "../components/config";
import {
    applySchemaChange,
    type AttributeMapping,
    changeBetween,
    fullChange,
    isEmptyChange,
    jsonEqual,
    type ManagedSchemaSettings,
    type ObjectMapping,
    readManagedSettings,
    sameAttributeMappings,
    SchemaChangeError,
    schemaPutBody,
    snapshotAttributeMappings,
    type SynchronizationSchemaDocument,
    userRuleId,
} from "../components/3-entra-provisioning/synchronizationSchema";
import { normalizeTargetAttributeName } from "../components/helpers/scimAttributes";

const FIXTURES = path.join(__dirname, "fixtures");
const load = (name: string): SynchronizationSchemaDocument => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as SynchronizationSchemaDocument;
const defaultSchema = () => load("graph-default-scim-schema.json");
const docsTrimmed = () => load("graph-schema-get-v1-docs-example-trimmed.json");
const awsTemplateSchema = () => (load("graph-synchronizationtemplate-awssinglesignon-trimmed.json") as { schema: SynchronizationSchemaDocument }).schema;

const WORK = 'emails[type eq "work"].value';
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function om(doc: SynchronizationSchemaDocument, sourceObjectName: string): ObjectMapping {
    const found = (doc.synchronizationRules ?? []).flatMap((r) => r.objectMappings ?? []).find((m) => m.sourceObjectName === sourceObjectName);
    if (!found) throw new Error(`no ${sourceObjectName} mapping`);
    return found;
}
function am(doc: SynchronizationSchemaDocument, sourceObjectName: string, target: string): AttributeMapping {
    const found = (om(doc, sourceObjectName).attributeMappings ?? []).find((a) => a.targetAttributeName === target);
    if (!found) throw new Error(`no ${target} mapping`);
    return found;
}
function scimUserObject(doc: SynchronizationSchemaDocument) {
    const dir = (doc.directories ?? []).find((d) => d.name === "customappsso");
    return dir?.objects?.find((o) => o.name === ENT);
}

const walkthrough: ManagedSchemaSettings = { emailMatchingPrecedence: 2, provisionGroups: true, attributeMappings: [] };

describe("the composed default scim schema", () => {
    it("has the documented defaults the change set relies on", () => {
        const doc = defaultSchema();
        expect(am(doc, "User", "userName")).toMatchObject({ matchingPriority: 1, source: { name: "userPrincipalName", type: "Attribute" } });
        expect(am(doc, "User", WORK)).toMatchObject({ matchingPriority: 0, source: { name: "mail" } });
        expect(am(doc, "User", "active").source?.expression).toBe('Switch([IsSoftDeleted], , "False", "True", "True", "False")');
        expect(am(doc, "User", "externalId").source?.name).toBe("mailNickname");
        expect(am(doc, "Group", "externalId").source?.name).toBe("objectId");
        expect(am(doc, "Group", "members").source?.name).toBe("members");
        expect(om(doc, "Group").enabled).toBe(true);
        expect(userRuleId(doc)).toBe("ea807875-5618-4f0a-9125-0b46a05298ca");
    });
});

describe("applySchemaChange", () => {
    it("changes only the work e-mail's matching priority for the walkthrough's settings", () => {
        const doc = defaultSchema();
        const next = applySchemaChange(doc, fullChange(walkthrough));
        const expected = defaultSchema();
        am(expected, "User", WORK).matchingPriority = 2;
        expect(next).toEqual(expected);
        expect(am(next, "User", "userName").matchingPriority).toBe(1);
    });

    it("does not modify its input", () => {
        const doc = defaultSchema();
        applySchemaChange(doc, {
            emailMatchingPrecedence: 3,
            provisionGroups: false,
            setAttributeMappings: [{ targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "Always" }],
        });
        expect(doc).toEqual(defaultSchema());
    });

    it("uses the configured precedence", () => {
        const next = applySchemaChange(defaultSchema(), fullChange({ ...walkthrough, emailMatchingPrecedence: 5 }));
        expect(am(next, "User", WORK).matchingPriority).toBe(5);
        expect(am(next, "User", "userName").matchingPriority).toBe(1);
    });

    it("gives the same document when applied twice", () => {
        const settings: ManagedSchemaSettings[] = [
            walkthrough,
            { ...walkthrough, provisionGroups: false },
            {
                emailMatchingPrecedence: 3,
                provisionGroups: false,
                attributeMappings: [
                    { targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "ObjectAddOnly" },
                    { targetAttributeName: `${ENT}.costCenter`, source: "extensionAttribute1", sourceType: "Attribute", object: "User", flowType: "Always" },
                    { targetAttributeName: "userType", source: "Employee", sourceType: "Constant", object: "User", flowType: "Always" },
                    { targetAttributeName: "externalId", source: "mailNickname", sourceType: "Attribute", object: "Group", flowType: "Always" },
                ],
            },
        ];
        for (const s of settings) {
            const once = applySchemaChange(defaultSchema(), fullChange(s));
            const twice = applySchemaChange(once, fullChange(s));
            expect(twice).toEqual(once);
            expect(jsonEqual(twice, once)).toBe(true);
        }
    });

    it("turns the Group object mapping off and on again without changing anything else", () => {
        const original = defaultSchema();
        const off = applySchemaChange(original, { provisionGroups: false });
        const expectedOff = defaultSchema();
        om(expectedOff, "Group").enabled = false;
        expect(off).toEqual(expectedOff);
        const on = applySchemaChange(off, { provisionGroups: true });
        expect(on).toEqual(original);
    });

    it("finds the Group mapping by sourceObjectName, not by display name", () => {
        const doc = defaultSchema();
        // Display names changed over time ("Azure Active Directory" -> "Microsoft Entra ID"); a misleading one must not matter.
        om(doc, "Group").name = "Provision Microsoft Entra ID Users";
        om(doc, "User").name = "Provision Microsoft Entra ID Groups";
        const next = applySchemaChange(doc, { provisionGroups: false });
        expect(om(next, "Group").enabled).toBe(false);
        expect(om(next, "User").enabled).toBe(true);
    });

    it("overrides an existing mapping's source and flow type and keeps its other fields", () => {
        const doc = defaultSchema();
        am(doc, "User", "title").defaultValue = "n/a";
        const next = applySchemaChange(doc, {
            setAttributeMappings: [{ targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "ObjectAddOnly" }],
        });
        const expected = structuredClone(doc);
        Object.assign(am(expected, "User", "title"), {
            source: { expression: "[department]", name: "department", parameters: [], type: "Attribute" },
            flowType: "ObjectAddOnly",
        });
        expect(next).toEqual(expected);
        expect(am(next, "User", "title").matchingPriority).toBe(0);
    });

    it("adds a new mapping (Auth0's dotted enterprise name becomes Entra's) and its attribute definition", () => {
        const next = applySchemaChange(defaultSchema(), {
            setAttributeMappings: [
                {
                    targetAttributeName: `${ENT}.costCenter`,
                    source: "extensionAttribute1",
                    sourceType: "Attribute",
                    object: "User",
                    flowType: "Always",
                    matchingPriority: 3,
                },
            ],
        });
        const expected = defaultSchema();
        om(expected, "User").attributeMappings?.push({
            defaultValue: null,
            exportMissingReferences: false,
            flowBehavior: "FlowWhenChanged",
            flowType: "Always",
            matchingPriority: 3,
            source: { expression: "[extensionAttribute1]", name: "extensionAttribute1", parameters: [], type: "Attribute" },
            targetAttributeName: `${ENT}:costCenter`,
        });
        const defs = scimUserObject(expected)?.attributes;
        defs?.push({ ...structuredClone(defs.find((d) => d.name === "title")!), name: `${ENT}:costCenter` });
        expect(next).toEqual(expected);
    });

    it("writes a constant source the way Graph expresses constants", () => {
        const next = applySchemaChange(defaultSchema(), {
            setAttributeMappings: [{ targetAttributeName: "userType", source: 'Employee "A"', sourceType: "Constant", object: "User", flowType: "Always" }],
        });
        expect(am(next, "User", "userType").source).toEqual({ expression: '"Employee \\"A\\""', name: 'Employee "A"', parameters: [], type: "Constant" });
    });

    it("maps a Group attribute on the Group object mapping only", () => {
        const next = applySchemaChange(defaultSchema(), {
            setAttributeMappings: [{ targetAttributeName: "externalId", source: "mailNickname", sourceType: "Attribute", object: "Group", flowType: "Always" }],
        });
        expect(am(next, "Group", "externalId").source?.name).toBe("mailNickname");
        expect(am(next, "User", "externalId").source?.name).toBe("mailNickname");
        expect(om(next, "User")).toEqual(om(defaultSchema(), "User"));
    });

    it("lets a configured work e-mail mapping replace the precedence setting", () => {
        const settings: ManagedSchemaSettings = {
            emailMatchingPrecedence: 2,
            provisionGroups: true,
            attributeMappings: [
                { targetAttributeName: WORK, source: "userPrincipalName", sourceType: "Attribute", object: "User", flowType: "Always", matchingPriority: 3 },
            ],
        };
        expect(fullChange(settings).emailMatchingPrecedence).toBeUndefined();
        const next = applySchemaChange(defaultSchema(), fullChange(settings));
        expect(am(next, "User", WORK)).toMatchObject({ matchingPriority: 3, source: { name: "userPrincipalName" } });
        expect(readManagedSettings(next, settings).attributeMappings).toEqual([
            { targetAttributeName: WORK, source: "userPrincipalName", sourceType: "Attribute", object: "User", flowType: "Always", matchingPriority: 3 },
        ]);
    });

    it("refuses a precedence another matching attribute already holds, naming both", () => {
        const change = fullChange({
            emailMatchingPrecedence: 2,
            provisionGroups: true,
            attributeMappings: [
                { targetAttributeName: "externalId", source: "objectId", sourceType: "Attribute", object: "User", flowType: "Always", matchingPriority: 2 },
            ],
        });
        expect(() => applySchemaChange(defaultSchema(), change)).toThrow(SchemaChangeError);
        expect(() => applySchemaChange(defaultSchema(), change)).toThrow(/precedence 2 .*emails\[type eq "work"\]\.value and externalId/);
    });
});

describe("published partial documents", () => {
    it("v1.0 GET example (trimmed, Salesforce): adds the work e-mail match, keeps the placeholders, nothing else moves", () => {
        const doc = docsTrimmed();
        const next = applySchemaChange(doc, { emailMatchingPrecedence: 2, provisionGroups: false });
        const expected = docsTrimmed();
        om(expected, "User").attributeMappings?.push({
            defaultValue: null,
            exportMissingReferences: false,
            flowBehavior: "FlowWhenChanged",
            flowType: "Always",
            matchingPriority: 2,
            source: { expression: "[mail]", name: "mail", parameters: [], type: "Attribute" },
            targetAttributeName: WORK,
        });
        expect(next).toEqual(expected);
        expect(applySchemaChange(next, { emailMatchingPrecedence: 2, provisionGroups: false })).toEqual(next);
    });

    it("v1.0 GET example has no Group mapping: enabling groups is a clear error", () => {
        expect(() => applySchemaChange(docsTrimmed(), { provisionGroups: true })).toThrow(/no object mapping with sourceObjectName "Group"/);
    });

    it("AWS template schema (Group mapping only): toggles groups exactly, and cannot set user matching", () => {
        const doc = awsTemplateSchema();
        const off = applySchemaChange(doc, { provisionGroups: false });
        const expected = awsTemplateSchema();
        om(expected, "Group").enabled = false;
        expect(off).toEqual(expected);
        expect(applySchemaChange(off, { provisionGroups: true })).toEqual(doc);
        expect(() => applySchemaChange(doc, { emailMatchingPrecedence: 2 })).toThrow(/no object mapping with sourceObjectName "User"/);
    });
});

describe("reading back and changing between declarations", () => {
    const title: EntraAttributeMapping = { targetAttributeName: "title", source: "department", sourceType: "Attribute", object: "User", flowType: "Always" };
    const cost: EntraAttributeMapping = {
        targetAttributeName: `${ENT}:costCenter`,
        source: "extensionAttribute1",
        sourceType: "Attribute",
        object: "User",
        flowType: "Always",
    };

    it("reads back exactly what was declared from an applied schema", () => {
        const declared: ManagedSchemaSettings = { emailMatchingPrecedence: 2, provisionGroups: false, attributeMappings: [title, cost] };
        const live = readManagedSettings(applySchemaChange(defaultSchema(), fullChange(declared)), declared);
        expect(live.emailMatchingPrecedence).toBe(2);
        expect(live.provisionGroups).toBe(false);
        expect(sameAttributeMappings(live.attributeMappings, declared.attributeMappings)).toBe(true);
    });

    it("shows portal edits as differences", () => {
        const declared: ManagedSchemaSettings = { emailMatchingPrecedence: 2, provisionGroups: false, attributeMappings: [title, cost] };
        const doc = applySchemaChange(defaultSchema(), fullChange(declared));
        am(doc, "User", WORK).matchingPriority = 0; // "Match objects using this attribute" = No
        om(doc, "Group").enabled = true;
        am(doc, "User", "title").source = { expression: "[jobTitle]", name: "jobTitle", parameters: [], type: "Attribute" };
        om(doc, "User").attributeMappings = om(doc, "User").attributeMappings?.filter((a) => a.targetAttributeName !== `${ENT}:costCenter`);
        const live = readManagedSettings(doc, declared);
        expect(live).toEqual({
            emailMatchingPrecedence: 0,
            provisionGroups: true,
            attributeMappings: [{ targetAttributeName: "title", source: "jobTitle", sourceType: "Attribute", object: "User", flowType: "Always" }],
        });
        expect(sameAttributeMappings(live.attributeMappings, declared.attributeMappings)).toBe(false);
    });

    it("reads a work e-mail no longer mapped from mail as precedence 0", () => {
        const doc = applySchemaChange(defaultSchema(), fullChange(walkthrough));
        am(doc, "User", WORK).source = { expression: "[userPrincipalName]", name: "userPrincipalName", parameters: [], type: "Attribute" };
        expect(readManagedSettings(doc, walkthrough).emailMatchingPrecedence).toBe(0);
    });

    it("changes only what differs, and puts removed mappings back as they were", () => {
        const before: ManagedSchemaSettings = { emailMatchingPrecedence: 2, provisionGroups: true, attributeMappings: [title, cost] };
        const original = defaultSchema();
        const snapshots = snapshotAttributeMappings(original, before.attributeMappings);
        expect(snapshots.map((s) => [s.targetAttributeName, s.original === null, s.definitionAdded])).toEqual([
            ["title", false, false],
            [`${ENT}:costCenter`, true, true],
        ]);
        const applied = applySchemaChange(original, fullChange(before));

        expect(isEmptyChange(changeBetween(before, before, snapshots))).toBe(true);
        const groupsOnly = changeBetween(before, { ...before, provisionGroups: false }, snapshots);
        expect(groupsOnly).toEqual({ provisionGroups: false });

        const after: ManagedSchemaSettings = { ...before, attributeMappings: [] };
        const change = changeBetween(before, after, snapshots);
        expect(change.setAttributeMappings).toBeUndefined();
        expect(change.emailMatchingPrecedence).toBeUndefined();
        const restored = applySchemaChange(applied, change);
        const expected = defaultSchema();
        am(expected, "User", WORK).matchingPriority = 2;
        expect(restored).toEqual(expected);
    });

    it("re-applies the precedence when a work e-mail override leaves config", () => {
        const override: EntraAttributeMapping = {
            targetAttributeName: WORK,
            source: "userPrincipalName",
            sourceType: "Attribute",
            object: "User",
            flowType: "Always",
            matchingPriority: 3,
        };
        const before: ManagedSchemaSettings = { ...walkthrough, attributeMappings: [override] };
        const original = defaultSchema();
        const snapshots = snapshotAttributeMappings(original, before.attributeMappings);
        const applied = applySchemaChange(original, fullChange(before));
        const next = applySchemaChange(applied, changeBetween(before, walkthrough, snapshots));
        expect(next).toEqual(applySchemaChange(defaultSchema(), fullChange(walkthrough)));
    });
});

describe("helpers", () => {
    it("normalizes Auth0's dotted enterprise attribute names only", () => {
        expect(normalizeTargetAttributeName(`${ENT}.department`)).toBe(`${ENT}:department`);
        expect(normalizeTargetAttributeName(`${ENT}:department`)).toBe(`${ENT}:department`);
        expect(normalizeTargetAttributeName("name.givenName")).toBe("name.givenName");
        expect(normalizeTargetAttributeName(WORK)).toBe(WORK);
    });

    it("drops response metadata from the PUT body", () => {
        const body = schemaPutBody({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x", ...defaultSchema() });
        expect(Object.keys(body)).not.toContain("@odata.context");
        expect(body).toEqual(defaultSchema());
    });
});
