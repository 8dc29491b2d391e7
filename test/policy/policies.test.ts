// Each policy against the resources it guards: the violation when the setup is weak, silence when it is right.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as auth0 from "@pulumi/auth0";
import * as azuread from "@pulumi/azuread";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    POLICY_NAMES,
    TYPES,
    assignmentRequired,
    createPolicies,
    isProductionStack,
    signingCertificateExpiry,
    synchronizationJobTemplate,
    tenantUrlScimFlag,
    tokenExpiryRotation,
    tokenGroupScopes,
    tokenScopes,
} from "../../policy/policies";
import { GROUP_TOKEN_SCOPES, USER_TOKEN_SCOPES } from "../../components/config";
import {
    type ResourceClass,
    UNKNOWN,
    assertHasResourceViolation,
    assertNoResourceViolations,
    fixedContext,
    resourceArgs,
    runResourcePolicy,
    runStackPolicy,
    stackArgs,
    stackResource,
} from "./helpers";

const SCIM_URL = "https://acme.eu.auth0.com/scim/v2/connections/con_0123456789abcdef";
const TOKEN_VALUE = "tok_4f1c9a7e2b.d41d8cd98f00b204e9800998ecf8427e";
const USERS = [...USER_TOKEN_SCOPES];
const USERS_AND_GROUPS = [...USER_TOKEN_SCOPES, ...GROUP_TOKEN_SCOPES];

function secret(baseAddress?: string) {
    return resourceArgs(
        azuread.SynchronizationSecret,
        {
            servicePrincipalId: "/servicePrincipals/6f1c1c1e-2a8b-4f4e-9a57-0d3b9c1f2e11",
            credentials: [...(baseAddress === undefined ? [] : [{ key: "BaseAddress", value: baseAddress }]), { key: "SecretToken", value: TOKEN_VALUE }],
        },
        { name: "acme-provisioning-secret" },
    );
}

describe(POLICY_NAMES.tenantUrl, () => {
    it("accepts the SCIM endpoint with ?aadOptscim062020", async () => {
        await assertNoResourceViolations(tenantUrlScimFlag, secret(`${SCIM_URL}?aadOptscim062020`));
    });

    it("flags a tenant URL without the flag, says how to fix it, and never echoes the token", async () => {
        const v = await assertHasResourceViolation(tenantUrlScimFlag, secret(SCIM_URL), "lacks ?aadOptscim062020", "entraTenantUrl");
        expect(v.message).not.toContain(TOKEN_VALUE);
        expect(v.message).toContain("acme-provisioning-secret");
    });

    it("wants the flag as a query parameter, not as some parameter's value", async () => {
        await assertHasResourceViolation(tenantUrlScimFlag, secret(`${SCIM_URL}?mode=aadOptscim062020`), "lacks ?aadOptscim062020");
        await assertNoResourceViolations(tenantUrlScimFlag, secret(`${SCIM_URL}?x=1&aadOptscim062020`));
    });

    it("flags a missing BaseAddress and a BaseAddress that is not a URL", async () => {
        await assertHasResourceViolation(tenantUrlScimFlag, secret(), "no BaseAddress");
        await assertHasResourceViolation(tenantUrlScimFlag, secret("acme.eu.auth0.com/scim"), "not a URL");
    });

    it("leaves a tenant URL that is unknown during preview to the SDK (advisory), without a violation", async () => {
        const run = await runResourcePolicy(tenantUrlScimFlag, resourceArgs(azuread.SynchronizationSecret, { credentials: UNKNOWN.array }));
        expect(run).toEqual({ violations: [], unknownDuringPreview: true });
    });

    it("does not look at other resource types", async () => {
        await assertNoResourceViolations(tenantUrlScimFlag, resourceArgs(azuread.ServicePrincipal, { credentials: [] }));
    });
});

describe(POLICY_NAMES.assignmentRequired, () => {
    const sp = (props: Record<string, unknown>) =>
        resourceArgs(azuread.ServicePrincipal, { clientId: "c", preferredSingleSignOnMode: "saml", ...props }, { name: "acme-entra-sp" });

    it("accepts appRoleAssignmentRequired: true", async () => {
        await assertNoResourceViolations(assignmentRequired, sp({ appRoleAssignmentRequired: true }));
    });

    it("flags false and unset, pointing at entra.assignments", async () => {
        await assertHasResourceViolation(
            assignmentRequired,
            sp({ appRoleAssignmentRequired: false }),
            "acme-entra-sp",
            "appRoleAssignmentRequired: true",
            "entra.assignments",
        );
        await assertHasResourceViolation(assignmentRequired, sp({}), "Assignment required? = No");
    });
});

describe(POLICY_NAMES.jobTemplate, () => {
    const job = (templateId: string) =>
        resourceArgs(azuread.SynchronizationJob, { servicePrincipalId: "/servicePrincipals/x", templateId }, { name: "acme-job" });

    it("accepts the scim template", async () => {
        await assertNoResourceViolations(synchronizationJobTemplate, job("scim"));
    });

    it("flags customappsso with the template to use", async () => {
        await assertHasResourceViolation(synchronizationJobTemplate, job("customappsso"), `templateId is "customappsso"`, `templateId: "scim"`);
    });
});

describe(POLICY_NAMES.tokenScopes, () => {
    const scimToken = (props: Record<string, unknown>) => resourceArgs(TYPES.scimToken, { connectionId: "con_1", ...props }, { name: "acme-scim-token" });
    const upstreamToken = (props: Record<string, unknown>) =>
        resourceArgs(auth0.ConnectionScimToken, { connectionId: "con_1", ...props }, { name: "acme-upstream-token" });

    it("accepts the user scopes, and user plus group scopes, on both token resources", async () => {
        for (const make of [scimToken, upstreamToken]) {
            await assertNoResourceViolations(tokenScopes, make({ scopes: USERS }));
            await assertNoResourceViolations(tokenScopes, make({ scopes: USERS_AND_GROUPS }));
        }
    });

    it("flags put:* scopes, which Entra never uses", async () => {
        await assertHasResourceViolation(tokenScopes, scimToken({ scopes: [...USERS, "put:users"] }), "put:users", "Remove put:users");
        await assertHasResourceViolation(tokenScopes, upstreamToken({ scopes: [...USERS_AND_GROUPS, "put:groups"] }), "put:groups");
    });

    it("flags unknown scopes and missing user scopes", async () => {
        await assertHasResourceViolation(tokenScopes, scimToken({ scopes: [...USERS, "read:users"] }), "does not know: read:users");
        await assertHasResourceViolation(tokenScopes, upstreamToken({ scopes: ["get:users", "post:users", "patch:users"] }), "lacks delete:users");
    });

    it("flags a token without declared scopes", async () => {
        await assertHasResourceViolation(tokenScopes, scimToken({}), "declares no scopes");
    });
});

describe(POLICY_NAMES.tokenGroupScopes, () => {
    /** One connection as the stack builds it: ScimConnection > Auth0ScimConnection > token, > EntraScimProvisioning > schema. */
    function connection(name: string, tokenScopes: unknown, provisionGroups?: unknown, tokenType: string | ResourceClass = TYPES.scimToken): PolicyResource[] {
        const root = stackResource({ type: TYPES.scimConnection, name });
        const auth0Side = stackResource({ type: "auth0-entra-scim:index:Auth0ScimConnection", name: `${name}-auth0`, parent: root });
        const token = stackResource({ type: tokenType, name: `${name}-auth0-scim-token`, parent: auth0Side, props: { scopes: tokenScopes } });
        const resources = [root, auth0Side, token];
        if (provisionGroups !== undefined) {
            const entraSide = stackResource({ type: "auth0-entra-scim:index:EntraScimProvisioning", name: `${name}-provisioning`, parent: root });
            resources.push(
                entraSide,
                stackResource({ type: TYPES.synchronizationSchema, name: `${name}-provisioning-schema`, parent: entraSide, props: { provisionGroups } }),
            );
        }
        return resources;
    }

    it("accepts group scopes exactly where groups are provisioned", async () => {
        const run = await runStackPolicy(tokenGroupScopes, stackArgs([...connection("acme", USERS_AND_GROUPS, true), ...connection("globex", USERS, false)]));
        expect(run.violations).toEqual([]);
    });

    it("flags group scopes on a connection that does not provision groups, and only that connection's token", async () => {
        const resources = [...connection("acme", USERS_AND_GROUPS, true), ...connection("globex", USERS_AND_GROUPS, false, auth0.ConnectionScimToken)];
        const run = await runStackPolicy(tokenGroupScopes, stackArgs(resources));
        expect(run.violations).toHaveLength(1);
        const [v] = run.violations;
        expect(v.message).toContain(`connection "globex"`);
        expect(v.message).toContain("entra.provisionGroups: false");
        expect(v.message).toContain("Drop the group scopes");
        expect(v.urn).toBe(resources.find((r) => r.name === "globex-auth0-scim-token")!.urn);
    });

    it("flags missing group scopes where groups are provisioned", async () => {
        const run = await runStackPolicy(tokenGroupScopes, stackArgs(connection("acme", USERS, true)));
        expect(run.violations.map((v) => v.message)).toEqual([expect.stringContaining(`lacks ${GROUP_TOKEN_SCOPES.join(" ")}`)]);
    });

    it("cannot judge an Auth0-only connection or a schema whose groups setting is unknown, and says nothing", async () => {
        const run = await runStackPolicy(
            tokenGroupScopes,
            stackArgs([...connection("acme", USERS_AND_GROUPS), ...connection("globex", USERS_AND_GROUPS, UNKNOWN.boolean)]),
        );
        expect(run).toEqual({ violations: [], unknownDuringPreview: false });
    });

    it("pairs a token and a schema that have no ScimConnection parent", async () => {
        const run = await runStackPolicy(
            tokenGroupScopes,
            stackArgs([
                stackResource({ type: TYPES.scimToken, name: "token", props: { scopes: USERS_AND_GROUPS } }),
                stackResource({ type: TYPES.synchronizationSchema, name: "schema", props: { provisionGroups: false } }),
            ]),
        );
        expect(run.violations.map((v) => v.message)).toEqual([expect.stringContaining(`of the stack grants`)]);
    });
});

describe(POLICY_NAMES.tokenExpiry, () => {
    const NOW = "2026-11-28T12:00:00Z";
    const policy = (stack: string | undefined, extra: { organization?: string; project?: string } = {}) =>
        tokenExpiryRotation(fixedContext(NOW, { stack, ...extra }));
    const scimToken = (props: Record<string, unknown>, config: Record<string, unknown> = {}) =>
        resourceArgs(TYPES.scimToken, { connectionId: "con_1", scopes: USERS, ...props }, { name: "acme-scim-token", config });
    const upstream = () => resourceArgs(auth0.ConnectionScimToken, { connectionId: "con_1", scopes: USERS }, { name: "acme-scim-token" });

    it("accepts a production token that expires and rotates with room to spare", async () => {
        await assertNoResourceViolations(policy("prod"), scimToken({ tokenLifetimeDays: 90, tokenRotationDays: 60 }));
    });

    it("flags a production token that never expires", async () => {
        await assertHasResourceViolation(policy("prod"), scimToken({}), "never expires", "tokenLifetimeDays");
    });

    it("flags a production token rotated too close to expiry, counting the default rotation at 3/4 of the lifetime", async () => {
        await assertHasResourceViolation(
            policy("prod-eu"),
            scimToken({ tokenLifetimeDays: 90, tokenRotationDays: 85 }),
            "5 day(s) before it expires",
            "at most 83",
        );
        await assertNoResourceViolations(policy("production"), scimToken({ tokenLifetimeDays: 90 }));
        await assertHasResourceViolation(
            policy("production"),
            scimToken({ tokenLifetimeDays: 20 }),
            "5 day(s) before it expires",
            "3/4 of the 20-day lifetime",
            "at most 13",
        );
        await assertHasResourceViolation(policy("production"), scimToken({ tokenLifetimeDays: 10 }), "2.5 day(s)");
        await assertNoResourceViolations(policy("prod-eu"), scimToken({ tokenLifetimeDays: 90, tokenRotationDays: 85 }, { minRotationMarginDays: 5 }));
    });

    it("flags a lifetime over the configured maximum", async () => {
        await assertHasResourceViolation(policy("prod"), scimToken({ tokenLifetimeDays: 400, tokenRotationDays: 300 }), "lives 400 days", "at most 365");
        await assertNoResourceViolations(policy("prod"), scimToken({ tokenLifetimeDays: 400, tokenRotationDays: 300 }, { maxLifetimeDays: 730 }));
    });

    it("flags the upstream ConnectionScimToken in production: it cannot expire", async () => {
        await assertHasResourceViolation(policy("prod"), upstream(), "auth0.ConnectionScimToken", "never expires", "ScimToken");
    });

    it("leaves non-production stacks alone", async () => {
        await assertNoResourceViolations(policy("dev"), scimToken({}));
        await assertNoResourceViolations(policy("staging"), upstream());
    });

    it("reads production stacks from the policy config, including org/project/stack patterns", async () => {
        const config = { productionStacks: ["acme/auth0-entra-scim/live"] };
        const live = policy("live", { organization: "acme", project: "auth0-entra-scim" });
        await assertHasResourceViolation(live, scimToken({}, config), `stack "live" matches productionStacks`);
        await assertNoResourceViolations(policy("prod", { organization: "acme", project: "auth0-entra-scim" }), scimToken({}, config));
    });

    it("treats a stack whose name it cannot learn as production", async () => {
        await assertHasResourceViolation(policy(undefined), upstream(), "treated as production");
    });
});

describe(POLICY_NAMES.certificateExpiry, () => {
    const NOW = "2026-11-28T12:00:00Z";
    const policy = signingCertificateExpiry(fixedContext(NOW, { stack: "prod" }));
    const cert = (endDate: unknown, name = "acme-entra-signing-cert") =>
        stackResource({ type: azuread.ServicePrincipalTokenSigningCertificate, name, props: { servicePrincipalId: "/servicePrincipals/x", endDate } });

    it("accepts a certificate with time left", async () => {
        expect((await runStackPolicy(policy, stackArgs([cert("2029-11-28T12:00:00Z")]))).violations).toEqual([]);
    });

    it("flags a certificate that ends within the configured days, and one that has expired", async () => {
        const soon = cert("2026-12-08T12:00:00Z", "soon");
        const gone = cert("2026-10-01T00:00:00Z", "gone");
        const run = await runStackPolicy(policy, stackArgs([soon, gone]));
        expect(run.violations).toHaveLength(2);
        expect(run.violations[0]).toEqual({ message: expect.stringContaining("in 10 day(s)"), urn: soon.urn });
        expect(run.violations[0].message).toContain("entra.certificateEndDate");
        expect(run.violations[1].message).toContain("expired on 2026-10-01T00:00:00Z");
    });

    it("uses minRemainingDays from the policy config", async () => {
        const hundredDays = cert("2027-03-08T12:00:00Z");
        expect((await runStackPolicy(policy, stackArgs([hundredDays]))).violations).toEqual([]);
        const run = await runStackPolicy(policy, stackArgs([hundredDays], { minRemainingDays: 120 }));
        expect(run.violations.map((v) => v.message)).toEqual([expect.stringContaining("at least 120 days")]);
    });

    it("skips a certificate whose end date is unknown during preview, and other resource types", async () => {
        const other = stackResource({ type: azuread.ServicePrincipal, name: "sp", props: { endDate: "2026-11-29T00:00:00Z" } });
        const run = await runStackPolicy(policy, stackArgs([cert(UNKNOWN.string), other, cert("2026-11-30T00:00:00Z", "near")]));
        expect(run.unknownDuringPreview).toBe(false);
        expect(run.violations.map((v) => v.urn)).toEqual([expect.stringContaining("::near")]);
    });
});

describe("production stack patterns", () => {
    it("matches names and globs case-insensitively, and reports an unknown stack", () => {
        const patterns = ["prod", "*-prod", "prod-*"];
        expect(["prod", "PROD", "eu-prod", "prod-eu"].map((stack) => isProductionStack(patterns, { stack }))).toEqual([true, true, true, true]);
        expect(["dev", "production", "preprod"].map((stack) => isProductionStack(patterns, { stack }))).toEqual([false, false, false]);
        expect(isProductionStack(["*"], { stack: "anything" })).toBe(true);
        expect(isProductionStack(patterns, {})).toBeUndefined();
    });
});

describe("the pack", () => {
    const policies = createPolicies(fixedContext("2026-11-28T12:00:00Z", { stack: "prod" }));

    it("has one policy per guardrail, uniquely named, each mandatory by default", () => {
        expect(policies.map((p) => p.name).sort()).toEqual(Object.values(POLICY_NAMES).sort());
        expect(policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
    });

    it("ships a policy config whose keys and properties the policies declare", () => {
        const config = JSON.parse(readFileSync(join(__dirname, "../../policy/config.json"), "utf8")) as Record<string, unknown>;
        const byName = new Map(policies.map((p) => [p.name, p]));
        for (const [key, value] of Object.entries(config)) {
            if (key === "all") {
                expect(["advisory", "mandatory", "disabled"]).toContain(value);
                continue;
            }
            const p = byName.get(key);
            expect(p, `policy/config.json names unknown policy ${key}`).toBeDefined();
            const declared = Object.keys(p!.configSchema?.properties ?? {});
            for (const prop of Object.keys(value as object)) {
                if (prop !== "enforcementLevel") expect(declared, `${key}.${prop}`).toContain(prop);
            }
        }
    });

    it("keeps resource and stack policies apart as the SDK expects", () => {
        for (const p of policies) {
            const isStack = typeof (p as StackValidationPolicy).validateStack === "function";
            const isResource = (p as ResourceValidationPolicy).validateResource !== undefined;
            expect(isStack !== isResource, p.name).toBe(true);
        }
    });
});
