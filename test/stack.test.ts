// The whole stack under Pulumi's mocks: every resource with its inputs, and the wiring between them.
import { simulatedScimToken } from "./support/planCli";
import { describe, it, expect, beforeAll } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type RecordedResource, type RecordingMonitor, resolve, settle, simulate } from "../tools/plan/simulation";
import { parseScimTokenResourceId } from "../components/2-auth0-connection/scimTokenProvider";
import { runStack } from "../components/stack";
import type { RawStackConfig } from "../components/config";
import type { ScimConnectionOutputs } from "../components/scimConnection";
import { toPemCertificate } from "../components/helpers/certificates";
import { synchronizationJobIdFromResourceId } from "../components/3-entra-provisioning/provisioningSettings";
import { type ShapeEntry, readShapeFixture, stackShape } from "./support/stackShape";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/** A real self-signed certificate (public part only). */
const CERT_PEM = fs.readFileSync(path.join(__dirname, "fixtures", "saml-signing-cert.pem"), "utf8");
const OTHER_TENANT = "0d9b3a5c-8a0e-4d8e-b2d1-6c5f3f0e9a77";
const USERS = ["6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11", "7a2d2d2f-3b9c-4a5f-8b68-1e4cad203f22"];
const GROUP = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

const T = {
    app: "azuread:index/applicationFromTemplate:ApplicationFromTemplate",
    sp: "azuread:index/servicePrincipal:ServicePrincipal",
    cert: "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate",
    identifierUri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
    redirectUris: "azuread:index/applicationRedirectUris:ApplicationRedirectUris",
    assignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    job: "azuread:index/synchronizationJob:SynchronizationJob",
    secret: "azuread:index/synchronizationSecret:SynchronizationSecret",
    azureadProvider: "pulumi:providers:azuread",
    connection: "auth0:index/connection:Connection",
    scimConfig: "auth0:index/connectionScimConfiguration:ConnectionScimConfiguration",
    token: "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken",
    schema: "pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema",
    status: "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisioningStatus",
    signingKey: "pulumi-nodejs:dynamic/auth0-entra-scim:PreferredTokenSigningKey",
    onDemand: "pulumi-nodejs:dynamic/auth0-entra-scim:ProvisionOnDemand",
};

interface Run {
    monitor: RecordingMonitor;
    outputs: Record<string, ScimConnectionOutputs>;
}

async function run(raw: RawStackConfig): Promise<Run> {
    const monitor = await simulate();
    const outputs = runStack(raw);
    await settle();
    return { monitor, outputs };
}

function one(monitor: RecordingMonitor, type: string, nameIncludes = ""): RecordedResource {
    const found = monitor.ofType(type).filter((r) => r.name.includes(nameIncludes));
    expect(found, `${type} ${nameIncludes}`).toHaveLength(1);
    return found[0];
}

function credential(secret: RecordedResource, key: string): string | undefined {
    return (secret.inputs.credentials as { key: string; value: string }[]).find((c) => c.key === key)?.value;
}

const managed: RawStackConfig = {
    auth0Domain: "acme.eu.auth0.com",
    entraTenantId: TENANT,
    customDomain: "login.acme.example",
    connections: [
        {
            name: "contoso",
            displayName: "Contoso",
            entra: {
                appName: "Auth0 - Contoso",
                assignments: { users: USERS, groups: [GROUP] },
                provisionGroups: true,
                notificationEmails: ["ops@contoso.example"],
                deletionThreshold: 250,
                provisionOnDemand: { users: [USERS[0]] },
            },
            scim: { tokenLifetimeDays: 180, tokenRotationDays: 150 },
        },
    ],
};

describe("a managed connection", () => {
    let r: Run;
    beforeAll(async () => {
        r = await run(managed);
    });

    it("instantiates the non-gallery template and adopts its service principal for SAML, assignment required", () => {
        const app = one(r.monitor, T.app);
        expect(app.inputs).toEqual({ displayName: "Auth0 - Contoso", templateId: "8adf8e6e-67b2-4cf2-a259-e3dc5476c621" });
        const lookup = r.monitor.calls.find((c) => c.token === "azuread:index/getApplication:getApplication");
        expect(lookup?.inputs.objectId).toBe(app.state.applicationObjectId);
        const sp = one(r.monitor, T.sp);
        expect(sp.inputs).toMatchObject({
            useExisting: true,
            preferredSingleSignOnMode: "saml",
            appRoleAssignmentRequired: true,
            featureTags: [{ enterprise: true, customSingleSignOn: true }],
            notificationEmailAddresses: ["ops@contoso.example"],
        });
        expect(sp.propertyDependencies.clientId).toContain(app.urn);
    });

    it("creates a token signing certificate on the service principal", () => {
        const sp = one(r.monitor, T.sp);
        const cert = one(r.monitor, T.cert);
        expect(cert.inputs.servicePrincipalId).toBe(sp.id);
        expect(cert.propertyDependencies.servicePrincipalId).toEqual([sp.urn]);
        expect(String(cert.inputs.displayName)).toMatch(/^CN=/);
    });

    it("sets Auth0's identifier after SAML mode, and the reply URL on the custom domain", () => {
        const sp = one(r.monitor, T.sp);
        const app = one(r.monitor, T.app);
        const uri = one(r.monitor, T.identifierUri);
        expect(uri.inputs).toEqual({ applicationId: app.state.applicationId, identifierUri: "urn:auth0:acme:contoso" });
        expect(uri.dependencies).toContain(sp.urn);
        const reply = one(r.monitor, T.redirectUris);
        expect(reply.inputs).toEqual({
            applicationId: app.state.applicationId,
            type: "Web",
            redirectUris: ["https://login.acme.example/login/callback?connection=contoso"],
        });
    });

    it("assigns each user and group with the app's User role", () => {
        const sp = one(r.monitor, T.sp);
        const assignments = r.monitor.ofType(T.assignment);
        expect(assignments.map((a) => a.inputs.principalObjectId).sort()).toEqual([...USERS, GROUP].sort());
        for (const a of assignments) {
            expect(a.inputs.resourceObjectId).toBe(sp.state.objectId);
            expect(a.inputs.appRoleId).toBe("18d14569-c3bd-439b-9a66-3a2aee01d14f");
        }
    });

    it("signs the Auth0 SAML connection with the Entra certificate and points it at the tenant's endpoint", () => {
        const cert = one(r.monitor, T.cert);
        const conn = one(r.monitor, T.connection);
        expect(conn.inputs).toMatchObject({ name: "contoso", displayName: "Contoso", strategy: "samlp" });
        const options = conn.inputs.options as Record<string, unknown>;
        expect(options.signInEndpoint).toBe(`https://login.microsoftonline.com/${TENANT}/saml2`);
        expect(options.signOutEndpoint).toBe(`https://login.microsoftonline.com/${TENANT}/saml2`);
        // Auth0 wants base64 of the whole PEM text (what its dashboard stores); azuread's value is the PEM body alone.
        const pem = Buffer.from(String(options.signingCert), "base64").toString("utf8");
        expect(pem).toBe(toPemCertificate(String(cert.state.value)));
        expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
        expect(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, "")).toBe(cert.state.value);
        expect(options.setUserRootAttributes).toBe("on_first_login");
        expect(options.signatureAlgorithm).toBe("rsa-sha256");
        expect(conn.propertyDependencies.options).toContain(cert.urn);
    });

    it("turns SCIM on with userName and the work-email mapping", () => {
        const conn = one(r.monitor, T.connection);
        const scim = one(r.monitor, T.scimConfig);
        expect(scim.inputs.connectionId).toBe(conn.id);
        expect(scim.propertyDependencies.connectionId).toEqual([conn.urn]);
        expect(scim.inputs.userIdAttribute).toBe("userName");
        expect(scim.inputs.mappings).toContainEqual({ scim: 'emails[type eq "work"].value', auth0: "email" });
    });

    it("issues a token with user and group scopes, after SCIM is on, its value a secret output", () => {
        const scim = one(r.monitor, T.scimConfig);
        const token = one(r.monitor, T.token);
        expect(token.inputs.scopes).toEqual([
            "get:users",
            "post:users",
            "patch:users",
            "delete:users",
            "get:groups",
            "post:groups",
            "patch:groups",
            "delete:groups",
        ]);
        expect(token.dependencies).toContain(scim.urn);
        expect(token.additionalSecretOutputs).toContain("token");
        expect(token.inputs).toMatchObject({ tokenLifetimeDays: 180, tokenRotationDays: 150 });
        expect(token.deleteBeforeReplace).toBe(false);
    });

    it("gives the simulated token the id the provider gives it (the plan shows it; the id is also the import id)", () => {
        const conn = one(r.monitor, T.connection);
        const token = one(r.monitor, T.token);
        expect(parseScimTokenResourceId(token.id)).toEqual({ connectionId: conn.id, tokenId: token.state.tokenId });
        // The value the plan tests look for in the plan's output (it must appear nowhere).
        expect(token.state.token).toBe(simulatedScimToken("contoso"));
    });

    it("gives Entra the SCIM URL with ?aadOptscim062020 and the token, as a secret", () => {
        const conn = one(r.monitor, T.connection);
        const token = one(r.monitor, T.token);
        const sp = one(r.monitor, T.sp);
        const secret = one(r.monitor, T.secret);
        const connectionId = conn.id;
        expect(token.inputs.connectionId).toBe(conn.id);
        expect(credential(secret, "BaseAddress")).toBe(`https://acme.eu.auth0.com/scim/v2/connections/${connectionId}?aadOptscim062020`);
        expect(credential(secret, "SecretToken")).toBe(token.state.token);
        expect(JSON.parse(credential(secret, "SyncNotificationSettings") ?? "{}")).toEqual({
            Enabled: true,
            Recipients: "ops@contoso.example",
            DeleteThresholdEnabled: true,
            DeleteThresholdValue: 250,
        });
        expect(secret.secretPaths).toContain("credentials");
        expect(secret.displayInputs.credentials).toBe("[secret]");
        expect(secret.propertyDependencies.credentials).toEqual(expect.arrayContaining([conn.urn, token.urn]));
        expect(secret.propertyDependencies.servicePrincipalId).toEqual([sp.urn]);
    });

    it("creates the scim job paused, after its secret, and leaves on/off to ProvisioningStatus", () => {
        const secret = one(r.monitor, T.secret);
        const job = one(r.monitor, T.job);
        expect(job.inputs).toMatchObject({ templateId: "scim", enabled: false });
        expect(job.ignoreChanges).toEqual(["enabled"]);
        expect(job.dependencies).toContain(secret.urn);
    });

    it("applies the schema to the job, then provisions on demand, then turns provisioning on", () => {
        const sp = one(r.monitor, T.sp);
        const job = one(r.monitor, T.job);
        const schema = one(r.monitor, T.schema);
        // Graph's job id, converted from the azuread job's resource id (the conversion: urls.test.ts).
        const jobId = synchronizationJobIdFromResourceId(job.id);
        expect(schema.propertyDependencies.synchronizationJobId).toEqual([job.urn]);
        expect(schema.inputs).toMatchObject({
            servicePrincipalId: sp.state.objectId,
            synchronizationJobId: jobId,
            tenantId: TENANT,
            emailMatchingPrecedence: 2,
            provisionGroups: true,
            attributeMappings: [],
        });
        const pod = one(r.monitor, T.onDemand, USERS[0]);
        expect(pod.inputs).toMatchObject({
            servicePrincipalId: sp.state.objectId,
            synchronizationJobId: jobId,
            ruleId: schema.state.synchronizationRuleId,
            objectId: USERS[0],
            objectTypeName: "User",
        });
        expect(pod.dependencies).toContain(schema.urn);
        const status = one(r.monitor, T.status);
        expect(status.inputs).toMatchObject({ servicePrincipalId: sp.state.objectId, synchronizationJobId: jobId, enabled: true });
        expect(status.dependencies).toEqual(expect.arrayContaining([schema.urn, pod.urn]));
    });

    it("activates the stack's signing certificate before Auth0 trusts it", () => {
        const cert = one(r.monitor, T.cert);
        const key = one(r.monitor, T.signingKey);
        const conn = one(r.monitor, T.connection);
        expect(key.inputs).toMatchObject({ servicePrincipalId: one(r.monitor, T.sp).state.objectId, thumbprint: cert.state.thumbprint, tenantId: TENANT });
        expect(conn.propertyDependencies.options).toContain(key.urn);
    });

    it("nests every resource under its connection's components", () => {
        const byUrn = new Map(r.monitor.recorded.map((x) => [x.urn, x]));
        const root = one(r.monitor, "auth0-entra-scim:index:ScimConnection");
        for (const res of r.monitor.recorded.filter((x) => x.custom)) {
            let cursor = byUrn.get(res.parent);
            while (cursor && cursor.urn !== root.urn) cursor = byUrn.get(cursor.parent);
            expect(cursor?.urn, res.name).toBe(root.urn);
        }
    });

    it("exports the output contract with the token, and only the token, secret", async () => {
        const out = r.outputs.contoso;
        const token = one(r.monitor, T.token);
        const sp = one(r.monitor, T.sp);
        const scimToken = await resolve(out.scimToken);
        expect(scimToken).toEqual({ value: token.state.token, secret: true });
        const connectionId = String(token.inputs.connectionId);
        const expected: Record<string, unknown> = {
            connectionId,
            scimEndpointUrl: `https://acme.eu.auth0.com/scim/v2/connections/${connectionId}`,
            entraTenantUrl: `https://acme.eu.auth0.com/scim/v2/connections/${connectionId}?aadOptscim062020`,
            samlEntityId: "urn:auth0:acme:contoso",
            samlReplyUrl: "https://login.acme.example/login/callback?connection=contoso",
            entraServicePrincipalId: sp.state.objectId,
            // The ids the service principal was adopted by and the schema was applied to.
            entraApplicationClientId: sp.inputs.clientId,
            synchronizationJobId: one(r.monitor, T.schema).inputs.synchronizationJobId,
        };
        for (const [key, value] of Object.entries(expected)) {
            const got = await resolve((out as unknown as Record<string, pulumi.Input<unknown>>)[key]);
            expect({ key, ...got }).toEqual({ key, value, secret: false });
        }
    });

    it("never shows the token in plain text in any recorded input", () => {
        const token = String(one(r.monitor, T.token).state.token);
        for (const res of r.monitor.recorded) expect(JSON.stringify(res.displayInputs)).not.toContain(token);
    });
});

describe("the groups toggle", () => {
    it("drops the group scopes when groups are not provisioned", async () => {
        const { monitor } = await run({ ...managed, connections: [{ name: "contoso", entra: { provisionGroups: false } }] });
        expect(one(monitor, T.token).inputs.scopes).toEqual(["get:users", "post:users", "patch:users", "delete:users"]);
    });
});

describe("the login button", () => {
    it("shows by default, and not with showAsButton: false (a shared login page, home realm discovery instead)", async () => {
        const shown = await run({ ...managed, connections: [{ name: "contoso", entra: {} }] });
        expect(one(shown.monitor, T.connection).inputs.showAsButton).toBe(true);
        const hidden = await run({ ...managed, connections: [{ name: "contoso", showAsButton: false, domainAliases: ["contoso.com"], entra: {} }] });
        expect(one(hidden.monitor, T.connection).inputs.showAsButton).toBe(false);
    });
});

describe("an Auth0-only connection", () => {
    it("registers no azuread resource and takes the SAML side from config", async () => {
        const { monitor, outputs } = await run({
            auth0Domain: "acme.eu.auth0.com",
            connections: [{ name: "fabrikam", saml: { signInEndpoint: "https://idp.fabrikam.example/saml2", signingCert: CERT_PEM } }],
        });
        expect(monitor.recorded.filter((x) => x.type.startsWith("azuread:") || x.type === T.azureadProvider)).toEqual([]);
        expect(one(monitor, T.connection).inputs.options as Record<string, unknown>).toMatchObject({
            signInEndpoint: "https://idp.fabrikam.example/saml2",
            signOutEndpoint: "https://idp.fabrikam.example/saml2",
            signingCert: Buffer.from(CERT_PEM).toString("base64"),
        });
        expect(one(monitor, T.token).inputs.scopes).toEqual(["get:users", "post:users", "patch:users", "delete:users"]);
        expect(Object.keys(outputs.fabrikam).sort()).toEqual([
            "connectionId",
            "entraTenantUrl",
            "samlEntityId",
            "samlReplyUrl",
            "scimEndpointUrl",
            "scimToken",
            "scimTokenRotateAfter",
            "scimTokenScopes",
            "scimTokenValidUntil",
        ]);
        expect((await resolve(outputs.fabrikam.scimToken)).secret).toBe(true);
        expect(outputs.fabrikam.samlReplyUrl).toBe("https://acme.eu.auth0.com/login/callback?connection=fabrikam");
    });

    it("uses the metadata URL when given", async () => {
        const { monitor } = await run({
            auth0Domain: "acme.eu.auth0.com",
            connections: [{ name: "f", saml: { metadataUrl: "https://idp.example/metadata.xml" } }],
        });
        const options = one(monitor, T.connection).inputs.options as Record<string, unknown>;
        expect(options.metadataUrl).toBe("https://idp.example/metadata.xml");
        expect(options.signInEndpoint).toBeUndefined();
    });
});

/** Two connections in another tenant, one in the stack's. */
const multiTenant: RawStackConfig = {
    auth0Domain: "acme.eu.auth0.com",
    entraTenantId: TENANT,
    connections: [
        { name: "a", entra: { tenantId: OTHER_TENANT, appName: "A" } },
        { name: "b", entra: { tenantId: OTHER_TENANT, appName: "B" } },
        { name: "c", entra: {} },
    ],
};

describe("tenants", () => {
    it("gives each connection-level tenant one azuread provider, shared, and the rest the default provider", async () => {
        const { monitor } = await run(multiTenant);
        const providers = monitor.ofType(T.azureadProvider);
        expect(providers).toHaveLength(1);
        expect(providers[0].inputs.tenantId).toBe(OTHER_TENANT);
        const apps = monitor.ofType(T.app);
        const providerOf = (name: string) => apps.find((x) => x.name.startsWith(`${name}-`))!.provider;
        expect(providerOf("a")).toContain(providers[0].urn);
        expect(providerOf("b")).toContain(providers[0].urn);
        expect(providerOf("c")).toBe("");
        for (const job of monitor.ofType(T.job).filter((j) => !j.name.startsWith("c-"))) expect(job.provider).toContain(providers[0].urn);
    });

    it("hands the stack's azuread:* credentials to each tenant's explicit provider (Pulumi gives explicit providers no stack config), secrets as secrets", async () => {
        const monitor = await simulate({
            config: {
                "azuread:clientId": "11111111-2222-3333-4444-555555555555",
                "azuread:clientSecret": "s3cr3t-value",
                "azuread:useOidc": "true",
                "azuread:partnerId": "00000000-0000-0000-0000-00000000abcd",
                "azuread:tenantId": TENANT,
            },
            secretKeys: ["azuread:clientSecret"],
        });
        runStack(multiTenant);
        await settle();
        const [provider] = monitor.ofType(T.azureadProvider);
        expect(provider.inputs).toMatchObject({
            tenantId: OTHER_TENANT,
            clientId: "11111111-2222-3333-4444-555555555555",
            clientSecret: "s3cr3t-value",
            useOidc: "true",
            partnerId: "00000000-0000-0000-0000-00000000abcd",
        });
        expect(provider.secretPaths).toContain("clientSecret");
    });

    it("shares one provider between spellings of the same tenant id, keeping the first spelling", async () => {
        const { monitor } = await run({
            ...multiTenant,
            connections: [
                { name: "a", entra: { tenantId: OTHER_TENANT, appName: "A" } },
                { name: "b", entra: { tenantId: OTHER_TENANT.toUpperCase(), appName: "B" } },
            ],
        });
        const providers = monitor.ofType(T.azureadProvider);
        expect(providers).toHaveLength(1);
        expect(providers[0].inputs.tenantId).toBe(OTHER_TENANT);
    });
});

describe("monitoring", () => {
    const monitoringConfig = { enabled: true, resourceGroupName: "rg-identity", location: "westeurope", alertEmails: ["ops@contoso.example"] };
    it("watches the service principals of the stack's tenant when enabled", async () => {
        const { monitor } = await run({ ...managed, monitoring: monitoringConfig });
        const component = one(monitor, "auth0-entra-scim:index:ProvisioningMonitoring");
        const sp = one(monitor, T.sp);
        const rule = monitor.recorded.find((x) => x.type.includes("ScheduledQueryRule"));
        expect(rule, "scheduled query rule").toBeDefined();
        expect(JSON.stringify(rule!.inputs)).toContain(String(sp.state.objectId));
        expect(component.parent).toBe("");
        // The tenant diagnostic setting's name is fixed: a replacement must not create a second one beside it.
        expect(one(monitor, "azure-native:aadiam:DiagnosticSetting").deleteBeforeReplace).toBe(true);
    });

    it("watches each other tenant through an azure-native provider for that tenant and its subscription", async () => {
        const SUB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
        const { monitor } = await run({
            ...multiTenant,
            monitoring: { ...monitoringConfig, tenants: { [OTHER_TENANT]: { subscriptionId: SUB, resourceGroupName: "rg-other" } } },
        });
        const components = monitor.ofType("auth0-entra-scim:index:ProvisioningMonitoring");
        expect(components.map((c) => c.name).sort()).toEqual([`mon-${OTHER_TENANT}`, "monitoring"]);
        // Stacks that deployed it as monitoring-<tenant id> keep their resources (children inherit the alias).
        expect(components.find((c) => c.name === `mon-${OTHER_TENANT}`)!.aliases).toEqual([{ name: `monitoring-${OTHER_TENANT}` }]);
        expect(components.find((c) => c.name === "monitoring")!.aliases).toEqual([]);
        const azureNative = monitor.ofType("pulumi:providers:azure-native");
        expect(azureNative).toHaveLength(1);
        expect(azureNative[0].inputs).toMatchObject({ tenantId: OTHER_TENANT, subscriptionId: SUB });

        const sps = Object.fromEntries(monitor.ofType(T.sp).map((x) => [x.name.split("-")[0], String(x.state.objectId)]));
        const rules = monitor.recorded.filter((x) => x.type === "azure-native:monitor:ScheduledQueryRule");
        expect(rules).toHaveLength(2);
        const ruleOf = (component: string) => rules.find((x) => x.parent.endsWith(`::${component}`))!;
        const other = ruleOf(`mon-${OTHER_TENANT}`);
        const own = ruleOf("monitoring");
        // Each alert watches its own tenant's apps, in its own resource group, signed in to its own tenant.
        const query = (x: RecordedResource) => JSON.stringify(x.inputs.criteria);
        expect(query(other)).toContain(sps.a);
        expect(query(other)).toContain(sps.b);
        expect(query(other)).not.toContain(sps.c);
        expect(query(other)).toContain(OTHER_TENANT);
        expect(other.inputs.resourceGroupName).toBe("rg-other");
        // With several tenants, the alert's name says which one fired.
        expect(other.inputs.displayName).toBe(`Entra provisioning to Auth0 failing (plan, tenant ${OTHER_TENANT})`);
        expect(own.inputs.displayName).toBe("Entra provisioning to Auth0 failing (plan)");
        expect(other.provider).toContain(azureNative[0].urn);
        expect(query(own)).toContain(sps.c);
        expect(query(own)).not.toContain(sps.a);
        expect(own.inputs.resourceGroupName).toBe("rg-identity");
        expect(own.provider).toBe("");
        // One tenant diagnostic setting per tenant, each made by that tenant's provider.
        const diagnostics = monitor.recorded.filter((x) => x.type === "azure-native:aadiam:DiagnosticSetting");
        expect(diagnostics.map((x) => (x.provider === "" ? "default" : x.provider.includes(azureNative[0].urn) ? OTHER_TENANT : x.provider)).sort()).toEqual(
            [OTHER_TENANT, "default"].sort(),
        );
    });

    it("keeps every auto-named workspace within Azure's 63 characters", async () => {
        const { monitor } = await run({
            ...multiTenant,
            monitoring: { ...monitoringConfig, tenants: { [OTHER_TENANT]: { subscriptionId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" } } },
        });
        const workspaces = monitor.recorded.filter((x) => x.type === "azure-native:operationalinsights:Workspace");
        expect(workspaces).toHaveLength(2);
        // No workspaceName input: azure-native names it after the logical name plus an 8-character random suffix.
        for (const w of workspaces) {
            expect(w.inputs.workspaceName).toBeUndefined();
            expect(w.name.length + 8, w.name).toBeLessThanOrEqual(63);
        }
    });

    it("lets an entry for the stack's own tenant take over from the top level, under the top level's old name", async () => {
        const SUB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
        const tenants = { [OTHER_TENANT]: { subscriptionId: SUB }, [TENANT.toUpperCase()]: { subscriptionId: SUB, resourceGroupName: "rg-own" } };
        const { monitor } = await run({ ...multiTenant, monitoring: { ...monitoringConfig, tenants } });
        const components = monitor.ofType("auth0-entra-scim:index:ProvisioningMonitoring");
        expect(components.map((c) => c.name).sort()).toEqual([`mon-${OTHER_TENANT}`, `mon-${TENANT}`]);
        const azureNative = monitor.ofType("pulumi:providers:azure-native");
        expect(azureNative.map((p) => p.inputs.tenantId).sort()).toEqual([OTHER_TENANT, TENANT].sort());
        const rules = monitor.recorded.filter((x) => x.type === "azure-native:monitor:ScheduledQueryRule");
        const own = rules.find((x) => x.parent.endsWith(`::mon-${TENANT}`))!;
        expect(own.inputs.resourceGroupName).toBe("rg-own");
        expect(own.provider).not.toBe("");
        // Moving the own tenant from the top level to an entry moves the existing monitoring resources.
        const ownComponent = components.find((c) => c.name === `mon-${TENANT}`)!;
        expect(ownComponent.aliases).toEqual([{ name: `monitoring-${TENANT}` }, { name: "monitoring" }]);

        // enabled: false for the own tenant leaves only the other one watched.
        const off = await run({
            ...multiTenant,
            monitoring: { ...monitoringConfig, tenants: { [OTHER_TENANT]: { subscriptionId: SUB }, [TENANT]: { enabled: false } } },
        });
        expect(off.monitor.ofType("auth0-entra-scim:index:ProvisioningMonitoring").map((c) => c.name)).toEqual([`mon-${OTHER_TENANT}`]);
    });

    it("declares the same monitoring whichever tenant ARM_TENANT_ID names, when every tenant has an entry", async () => {
        const SUB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
        const group: RawStackConfig = {
            auth0Domain: "acme.eu.auth0.com",
            connections: [
                { name: "a", entra: { tenantId: OTHER_TENANT, appName: "A" } },
                { name: "c", entra: { tenantId: TENANT, appName: "C" } },
            ],
            monitoring: { ...monitoringConfig, tenants: { [OTHER_TENANT]: { subscriptionId: SUB }, [TENANT]: { subscriptionId: SUB } } },
        };
        const shape = async (entraTenantId: string | undefined) => {
            const { monitor } = await run({ ...group, entraTenantId });
            const monitoring = monitor.recorded.filter((x) => x.type.startsWith("azure-native:") || x.type.includes("ProvisioningMonitoring"));
            // Aliases name earlier spellings and may differ; what is declared must not.
            return monitoring
                .map((x) => ({ type: x.type, name: x.name, parent: x.parent, provider: x.provider, inputs: x.inputs }))
                .sort((x, y) => x.name.localeCompare(y.name));
        };
        const asOwn = await shape(TENANT);
        expect(asOwn.filter((x) => x.type === "auth0-entra-scim:index:ProvisioningMonitoring").map((x) => x.name)).toEqual([
            `mon-${OTHER_TENANT}`,
            `mon-${TENANT}`,
        ]);
        expect(await shape(OTHER_TENANT)).toEqual(asOwn);
        expect(await shape(undefined)).toEqual(asOwn);
    });

    it("creates nothing for monitoring when it is off", async () => {
        const { monitor } = await run({ ...managed, monitoring: { ...monitoringConfig, enabled: false } });
        expect(monitor.recorded.filter((x) => x.type.startsWith("azure-native:") || x.type.includes("ProvisioningMonitoring"))).toEqual([]);
    });
});

describe("bad config", () => {
    it("fails with every problem and registers nothing", async () => {
        const monitor = await simulate();
        let error: unknown;
        try {
            runStack({ auth0Domain: "acme.eu.auth0.com", connections: [{ name: "bad name", entra: { assignments: { groups: ["Sales"] } } }] });
        } catch (err) {
            error = err;
        }
        await settle();
        expect(error).toBeInstanceOf(pulumi.RunError);
        const message = (error as Error).message;
        expect(message).toContain("connections[0].name:");
        expect(message).toContain("connections[0].entra.assignments.groups[0]:");
        expect(message).toContain("connections[0].entra.tenantId:");
        expect(monitor.recorded).toEqual([]);
    });
});

describe("existing stacks", () => {
    // Recorded by test/support/recordStackShape.ts from the commit named in the fixture. A change that means to add,
    // rename or re-parent resources records it anew from its own tree and says so; this one must not.
    it("see every resource under the URN, parent, provider and dependencies it had (the fixture's commit)", async () => {
        const fixture = readShapeFixture();
        expect(Object.keys(fixture.shapes)).toEqual(["example", "multiTenantMonitored", "bench12", "b2b"]);
        for (const [name, raw] of Object.entries(fixture.configs)) {
            const shape: ShapeEntry[] = await stackShape(raw);
            expect(shape.length, name).toBe(fixture.shapes[name].length);
            expect(shape, name).toEqual(fixture.shapes[name]);
        }
    });
});
