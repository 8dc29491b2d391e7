// The multi-stack script: customers file parsing, validation in the file's terms, the actions planned against a
// fake Automation API workspace, and the CI matrix. No Pulumi CLI involved.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { CustomersError, type Problem, matrixJson, parseCustomersFile, planStacks } from "../tools/stacks/customers";
import { type CliDeps, type StackAction, main, planActions, resolveSecrets } from "../tools/stacks/cli";
import type { StackWorkspace, WorkspaceOptions } from "../tools/stacks/workspace";

const EXAMPLE = fs.readFileSync(path.join(__dirname, "..", "tools", "stacks", "customers.example.yaml"), "utf8");
const T1 = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const T2 = "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77";
const GROUP = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

function problemsOf(fn: () => unknown): Problem[] {
    try {
        fn();
    } catch (err) {
        if (err instanceof CustomersError) return err.problems;
        throw err;
    }
    throw new Error("expected a CustomersError");
}

function plan(yaml: string) {
    return planStacks(parseCustomersFile(yaml, "customers.yaml"), "customers.yaml");
}

const twoInOneGroup = `
stackPer: tenantGroup
defaults: {auth0Domain: acme.eu.auth0.com}
customers:
  - name: contoso
    tenantGroup: eu-1
    entraTenantId: ${T1}
    connections:
      - name: contoso-entra
        entra: {assignments: {groups: [${GROUP}]}, provisionGroups: true}
  - name: fabrikam
    tenantGroup: eu-1
    entraTenantId: ${T2}
    connections:
      - name: fabrikam-entra
        entra: {}
      - name: fabrikam-saml
        saml: {metadataUrl: "https://idp.fabrikam.example/metadata.xml"}
`;

describe("customers file -> stacks", () => {
    it("plans a stack per customer with its tenant, the shared defaults and secrets as references", () => {
        const stacks = plan(EXAMPLE);
        expect(stacks.map((s) => s.stack)).toEqual(["contoso", "fabrikam", "northwind"]);
        const contoso = stacks[0];
        expect(contoso.customers).toEqual(["contoso"]);
        expect(contoso.connections).toEqual(["contoso-entra"]);
        expect(contoso.config["auth0:domain"]).toEqual({ value: "acme.eu.auth0.com", secret: false });
        expect(contoso.config["azuread:tenantId"]).toEqual({ value: T1, secret: false });
        expect(contoso.config["auth0:clientId"]).toEqual({ value: "0oaExampleM2MClientId", secret: false });
        expect(contoso.config["auth0:clientSecret"]).toEqual({ secret: true, from: { env: "AUTH0_CLIENT_SECRET" } });
        // Structured config as JSON text, which the program's readRawConfig parses back.
        const conns = JSON.parse((contoso.config["auth0-entra-scim:connections"] as { value: string }).value) as { name: string }[];
        expect(conns.map((c) => c.name)).toEqual(["contoso-entra"]);
        expect(stacks[1].config["azuread:tenantId"]).toEqual({ value: T2, secret: false });
        // An Auth0-only customer has no Entra tenant to set.
        expect(stacks[2].config["azuread:tenantId"]).toBeUndefined();
    });

    it("puts a tenant group's customers in one stack, each managed connection naming its customer's tenant", () => {
        const stacks = plan(twoInOneGroup);
        expect(stacks).toHaveLength(1);
        const [group] = stacks;
        expect(group.stack).toBe("eu-1");
        expect(group.customers).toEqual(["contoso", "fabrikam"]);
        expect(group.config["azuread:tenantId"]).toBeUndefined();
        const conns = JSON.parse((group.config["auth0-entra-scim:connections"] as { value: string }).value) as {
            name: string;
            entra?: { tenantId?: string };
        }[];
        expect(conns.map((c) => [c.name, c.entra?.tenantId])).toEqual([
            ["contoso-entra", T1],
            ["fabrikam-entra", T2],
            ["fabrikam-saml", undefined],
        ]);
    });

    it("names stacks fully with a Pulumi Cloud organization, and the matrix lists them as JSON", () => {
        const stacks = plan(`organization: acme\n${EXAMPLE}`);
        expect(JSON.parse(matrixJson(stacks))).toEqual(["acme/auth0-entra-scim/contoso", "acme/auth0-entra-scim/fabrikam", "acme/auth0-entra-scim/northwind"]);
    });
});

describe("validation, reported with the customer and the path in the customers file", () => {
    it("maps parseStackConfig problems to customers[i].connections[j] paths", () => {
        const problems = problemsOf(() =>
            plan(`
defaults: {auth0Domain: acme.eu.auth0.com}
customers:
  - name: contoso
    entraTenantId: ${T1}
    connections: [{name: contoso-entra, entra: {}}]
  - name: fabrikam
    entraTenantId: ${T2}
    connections:
      - name: fabrikam-ok
        entra: {}
      - name: fabrikam-entra
        entra: {assignments: {groups: [Sales]}}
`),
        );
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ path: "customers[1].connections[1].entra.assignments.groups[0]", customer: "fabrikam" });
        expect(problems[0].message).toContain('"Sales" is not an Entra object id');
    });

    it("reports stack-level keys at the customer field that set them, every problem at once", () => {
        const problems = problemsOf(() =>
            plan(`
customers:
  - name: contoso
    entraTenantId: not-a-guid
    connections: [{name: contoso-entra, entra: {}}]
  - name: fabrikam
    auth0Domain: fabrikam.us.auth0.com
    connections: [{name: fabrikam-saml}]
`),
        );
        const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
        expect(byPath["customers[0].auth0Domain"]?.customer).toBe("contoso");
        expect(byPath["customers[0].auth0Domain"]?.message).toContain("is required");
        expect(byPath["customers[0].entraTenantId"]?.message).toContain("is not a tenant id");
        expect(byPath["customers[1].connections[0].saml"]?.message).toContain("needs the IdP's SAML settings");
    });

    it("reports a bad tenant filled in by a tenant group at the customer's entraTenantId", () => {
        const problems = problemsOf(() => plan(twoInOneGroup.replace(T2, "fabrikam-tenant")));
        expect(problems).toEqual([expect.objectContaining({ path: "customers[1].entraTenantId", customer: "fabrikam" })]);
    });

    it("refuses a tenant group whose customers are on different Auth0 tenants", () => {
        const problems = problemsOf(() =>
            plan(
                twoInOneGroup.replace(
                    `    tenantGroup: eu-1\n    entraTenantId: ${T2}`,
                    `    tenantGroup: eu-1\n    auth0Domain: other.eu.auth0.com\n    entraTenantId: ${T2}`,
                ),
            ),
        );
        expect(problems[0]).toMatchObject({ path: "customers[1].auth0Domain", customer: "fabrikam" });
        expect(problems[0].message).toContain("a stack has one Auth0 tenant");
    });

    it("checks across stacks: connection names per Auth0 tenant, app names per Entra tenant", () => {
        const problems = problemsOf(() =>
            plan(`
defaults: {auth0Domain: acme.eu.auth0.com}
customers:
  - name: contoso
    entraTenantId: ${T1}
    connections: [{name: shared-name, entra: {appName: Auth0 SSO}}]
  - name: contoso-emea
    entraTenantId: ${T1}
    connections: [{name: Shared-Name, entra: {appName: auth0 sso}}]
`),
        );
        expect(problems.map((p) => p.path)).toEqual(["customers[1].connections[0].name", "customers[1].connections[0].entra.appName"]);
        expect(problems[0].message).toContain("customers[0].connections[0] (customer contoso, stack contoso)");
        expect(problems[1].message).toContain(`in Entra tenant ${T1}`);
    });

    it("checks the file's own shape: names, duplicates, unknown keys, groups", () => {
        const problems = problemsOf(() =>
            parseCustomersFile(
                `
stackPer: tenantGroup
customer: []
customers:
  - name: contoso
    connections: [{name: a}]
  - name: Contoso
    tenantGroup: eu 1
    connection: []
`,
                "customers.yaml",
            ),
        );
        const paths = problems.map((p) => p.path);
        expect(paths).toEqual(
            expect.arrayContaining([
                "(top).customer",
                "customers[0].tenantGroup",
                "customers[1].name",
                "customers[1].connection",
                "customers[1].connections",
                "customers[1].tenantGroup",
            ]),
        );
        expect(problems.find((p) => p.path === "customers[1].name")?.message).toContain("already customers[0]");
    });

    it("refuses secret values in the file without repeating them", () => {
        const problems = problemsOf(() =>
            parseCustomersFile(`
customers:
  - name: contoso
    secrets: {auth0:clientSecret: s3cr3t-value}
    config: {auth0:clientSecret2: {secure: v1:abc}, auth0:domain: x.auth0.com}
    connections: [{name: a}]
`),
        );
        expect(problems.map((p) => p.path).sort()).toEqual([
            "customers[0].config.auth0:clientSecret2",
            "customers[0].config.auth0:domain",
            "customers[0].secrets.auth0:clientSecret",
        ]);
        expect(JSON.stringify(problems)).not.toContain("s3cr3t-value");
    });

    it("reports YAML syntax errors", () => {
        const err = (() => {
            try {
                parseCustomersFile("customers: [\n", "c.yaml");
            } catch (e) {
                return e as Error;
            }
            return undefined;
        })();
        expect(err).toBeInstanceOf(CustomersError);
        expect(err!.message).toMatch(/^c\.yaml: 1 problem; no stack was created or changed\.\n {2}- \(yaml\): /);
    });
});

/** An Automation API workspace that records what the script asks of it. */
class FakeWorkspace implements StackWorkspace {
    readonly calls: string[] = [];
    readonly configs = new Map<string, ConfigMap>();
    readonly removed = new Map<string, string[]>();
    constructor(
        private readonly existing: string[],
        private readonly failOn?: string,
    ) {}
    async listStacks() {
        this.calls.push("listStacks");
        return this.existing;
    }
    async createOrSelectStack(name: string) {
        this.calls.push(`createOrSelect ${name}`);
        if (name === this.failOn) throw new Error("code: 255\n stdout: \n stderr: error: could not create stack: backend unreachable");
        return {
            setAllConfig: async (config: ConfigMap) => {
                this.calls.push(`setAllConfig ${name}`);
                this.configs.set(name, config);
            },
            removeAllConfig: async (keys: string[]) => {
                this.calls.push(`removeAllConfig ${name}`);
                this.removed.set(name, keys);
            },
        };
    }
}

function deps(workspace: FakeWorkspace | undefined, env: NodeJS.ProcessEnv = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const opened: WorkspaceOptions[] = [];
    const d: CliDeps = {
        readFile: (file) => {
            if (file === "customers.yaml") return EXAMPLE;
            throw new Error(`ENOENT: no such file, open '${file}'`);
        },
        workspace: async (options) => {
            opened.push(options);
            if (!workspace) throw new Error("code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT");
            return workspace;
        },
        env,
        out: (t) => out.push(t),
        err: (t) => err.push(t),
        workDir: "/project",
    };
    return { d, out, err, opened };
}

describe("actions against the backend", () => {
    it("creates missing stacks, rewrites existing ones and leaves stacks outside the file alone", () => {
        const actions = planActions(plan(EXAMPLE), ["contoso", "acme/auth0-entra-scim/retired-customer"]);
        expect(actions.map((a) => [a.action, a.stack])).toEqual([
            ["update", "contoso"],
            ["create", "fabrikam"],
            ["create", "northwind"],
            ["unmanaged", "acme/auth0-entra-scim/retired-customer"],
        ]);
        const contoso = actions[0];
        expect(contoso.config["auth0:clientSecret"]).toEqual({ value: "$AUTH0_CLIENT_SECRET", secret: true });
        expect(contoso.config["azuread:tenantId"]).toEqual({ value: T1, secret: false });
        // Keys the file owns but no longer sets are removed from an existing stack.
        expect(contoso.remove).toEqual(["auth0-entra-scim:tenantName", "auth0-entra-scim:customDomain", "auth0-entra-scim:monitoring"]);
        expect(actions[1].remove).toEqual([]);
    });

    it("apply: opens the workspace on the file's backend, creates or selects each stack, writes config with secrets marked", async () => {
        const ws = new FakeWorkspace(["contoso"]);
        const { d, out, opened } = deps(ws, { AUTH0_CLIENT_SECRET: "m2m-secret-value" });
        expect(await main(["apply", "--file", "customers.yaml"], d)).toBe(0);
        expect(opened).toEqual([
            {
                workDir: "/project",
                backend: "azblob://pulumi-state?storage_account=acmeidentitystate",
                secretsProvider: "azurekeyvault://acme-identity.vault.azure.net/keys/pulumi-stacks",
            },
        ]);
        expect(ws.calls).toEqual([
            "listStacks",
            "createOrSelect contoso",
            "setAllConfig contoso",
            "removeAllConfig contoso",
            "createOrSelect fabrikam",
            "setAllConfig fabrikam",
            "createOrSelect northwind",
            "setAllConfig northwind",
        ]);
        const fabrikam = ws.configs.get("fabrikam")!;
        expect(fabrikam["auth0:clientSecret"]).toEqual({ value: "m2m-secret-value", secret: true });
        expect(fabrikam["auth0:domain"]).toEqual({ value: "acme.eu.auth0.com", secret: false });
        expect(Object.keys(fabrikam).sort()).toEqual([
            "auth0-entra-scim:connections",
            "auth0:clientId",
            "auth0:clientSecret",
            "auth0:domain",
            "azuread:tenantId",
        ]);
        expect(out.join("\n")).toContain("~ contoso: update, 5 config keys (1 secret: auth0:clientSecret), removes");
        expect(out.join("\n")).toContain("created fabrikam");
        expect(out.join("\n")).not.toContain("m2m-secret-value");
    });

    it("apply: a missing secret stops everything before any stack is touched, naming the variable only", async () => {
        const ws = new FakeWorkspace([]);
        const { d, err } = deps(ws, {});
        expect(await main(["apply", "--file", "customers.yaml"], d)).toBe(1);
        expect(ws.calls).toEqual(["listStacks"]);
        expect(err.join("\n")).toContain("contoso auth0:clientSecret: $AUTH0_CLIENT_SECRET is not set");
    });

    it("apply: a failing stack is named with the CLI's reason", async () => {
        const ws = new FakeWorkspace([], "fabrikam");
        const { d, err } = deps(ws, { AUTH0_CLIENT_SECRET: "x" });
        expect(await main(["apply", "--file", "customers.yaml"], d)).toBe(1);
        expect(ws.calls).not.toContain("createOrSelect northwind");
        expect(err.join("\n")).toContain("stack fabrikam: create failed: code: 255");
    });

    it("apply --dry-run and plan print the plan without opening a workspace", async () => {
        for (const argv of [
            ["apply", "--file", "customers.yaml", "--dry-run"],
            ["plan", "--file", "customers.yaml"],
        ]) {
            const { d, out, opened } = deps(undefined);
            expect(await main(argv, d)).toBe(0);
            expect(opened).toEqual([]);
            const text = out.join("\n");
            expect(text).toContain("stack contoso: customers contoso; 1 connection(s): contoso-entra");
            expect(text).toContain("auth0:clientSecret = [secret from $AUTH0_CLIENT_SECRET]");
            expect(text).toContain("3 stack(s).");
        }
    });

    it("matrix prints one line of JSON; list without the Pulumi CLI says why", async () => {
        const m = deps(undefined);
        expect(await main(["matrix", "--file", "customers.yaml"], m.d)).toBe(0);
        expect(m.out).toEqual(['["contoso","fabrikam","northwind"]']);
        const l = deps(undefined);
        expect(await main(["list", "--file", "customers.yaml"], l.d)).toBe(1);
        expect(l.err.join("\n")).toBe(
            "cannot open the Pulumi workspace (list needs the Pulumi CLI; plan and matrix do not): Command failed with ENOENT: pulumi version",
        );
    });

    it("prints its usage on --help (or -h) and exits 0, as every other tool here does", async () => {
        for (const argv of [["--help"], ["plan", "-h"]]) {
            const { d, out, err } = deps(undefined);
            expect(await main(argv, d)).toBe(0);
            expect(out.join("\n")).toMatch(/^Usage: npm run stacks -- <command> --file CUSTOMERS.yaml/);
            expect(err).toEqual([]);
        }
    });

    it("exits 2 on usage errors and 1 on an unreadable file", async () => {
        for (const argv of [[], ["deploy", "--file", "x"], ["plan"], ["plan", "--file", "customers.yaml", "--force"]]) {
            const { d, err } = deps(undefined);
            expect(await main(argv, d), argv.join(" ")).toBe(2);
            expect(err.join("\n")).toContain("Usage: npm run stacks");
        }
        const { d, err } = deps(undefined);
        expect(await main(["plan", "--file", "missing.yaml"], d)).toBe(1);
        expect(err.join("\n")).toContain("missing.yaml: 1 problem");
    });

    it("resolveSecrets keeps plain values and replaces only secret references", () => {
        const actions: StackAction[] = [
            { action: "create", stack: "s", remove: [], config: { "a:b": { value: "$NOT_A_VAR", secret: false }, "a:c": { value: "$V", secret: true } } },
        ];
        expect(resolveSecrets(actions, { V: "v" })[0].config).toEqual({ "a:b": { value: "$NOT_A_VAR", secret: false }, "a:c": { value: "v", secret: true } });
    });
});
