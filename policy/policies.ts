// The guardrails, apart from index.ts (which starts the policy pack's gRPC server) so tests can run them.
import * as auth0 from "@pulumi/auth0";
import * as azuread from "@pulumi/azuread";
import {
    type EnforcementLevel,
    type PolicyResource,
    type ReportViolation,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
    type StackValidationArgs,
    type StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { GROUP_TOKEN_SCOPES, KNOWN_TOKEN_SCOPES, USER_TOKEN_SCOPES } from "../components/config";
import { DAY_MS, rotationPeriodMs } from "../components/2-auth0-connection/tokenRotation";
import { AAD_SCIM_FLAG, SCIM_JOB_TEMPLATE_ID } from "../components/helpers/urls";

export const POLICY_PACK_NAME = "auth0-entra-scim";

/** Type tokens of this stack's own resources (dynamic resources and components). */
export const TYPES = {
    scimToken: "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken",
    synchronizationSchema: "pulumi-nodejs:dynamic/auth0-entra-scim:SynchronizationSchema",
    scimConnection: "auth0-entra-scim:index:ScimConnection",
} as const;

export const POLICY_NAMES = {
    tenantUrl: "entra-tenant-url-scim-flag",
    assignmentRequired: "entra-assignment-required",
    jobTemplate: "entra-synchronization-job-template",
    tokenScopes: "scim-token-scopes",
    tokenGroupScopes: "scim-token-group-scopes",
    tokenExpiry: "scim-token-expiry-rotation",
    certificateExpiry: "signing-certificate-expiry",
} as const;

/** Stacks whose SCIM tokens must expire and rotate, unless the policy config says otherwise. */
export const DEFAULT_PRODUCTION_STACKS = ["prod", "production", "prod-*", "production-*", "*-prod", "*-production"];

export interface TokenExpiryConfig {
    /** Stack names or glob patterns (`*`); a pattern with `/` matches `org/project/stack`. `*` = every stack. */
    productionStacks: string[];
    /** Longest lifetime a production token may have. */
    maxLifetimeDays: number;
    /** Days between the rotation date and expiry: room for failed scheduled runs. */
    minRotationMarginDays: number;
}

export interface CertificateExpiryConfig {
    /** A signing certificate that ends sooner than this is a violation. */
    minRemainingDays: number;
}

export const DEFAULT_TOKEN_EXPIRY: TokenExpiryConfig = { productionStacks: DEFAULT_PRODUCTION_STACKS, maxLifetimeDays: 365, minRotationMarginDays: 7 };
export const DEFAULT_CERTIFICATE_EXPIRY: CertificateExpiryConfig = { minRemainingDays: 30 };

export interface StackIdentity {
    organization?: string;
    project?: string;
    stack?: string;
}

/** What the policies read from outside the resources; tests pass their own. */
export interface PolicyContext {
    now(): Date;
    stack(): StackIdentity;
}

/** The Pulumi CLI starts the policy pack with PULUMI_STACK (and PULUMI_NODEJS_STACK) etc. in its environment. */
export function contextFromEnvironment(env: NodeJS.ProcessEnv = process.env): PolicyContext {
    return {
        now: () => new Date(),
        stack: () => ({
            organization: env.PULUMI_ORGANIZATION ?? env.PULUMI_NODEJS_ORGANIZATION,
            project: env.PULUMI_PROJECT ?? env.PULUMI_NODEJS_PROJECT,
            stack: env.PULUMI_STACK ?? env.PULUMI_NODEJS_STACK,
        }),
    };
}

function globToRegExp(pattern: string): RegExp {
    const body = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${body}$`, "i");
}

/** True when the stack matches a production pattern; undefined when the stack's name is not known. */
export function isProductionStack(patterns: readonly string[], id: StackIdentity): boolean | undefined {
    if (!id.stack) return undefined;
    const qualified = [id.organization, id.project, id.stack].filter((s) => s).join("/");
    return patterns.some((p) => globToRegExp(p).test(p.includes("/") ? qualified : id.stack!));
}

// The SDK throws this when a policy reads a value that is unknown during preview; the class is missing from its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy") as { UnknownValueError: new (...args: never[]) => Error };

/**
 * Reads a property that may be unknown during preview. Resource policies let the SDK turn that into an
 * advisory "can't run during preview"; stack policies read many resources and must not give up on all for one.
 */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (err instanceof UnknownValueError) return undefined;
        throw err;
    }
}

/** The connection a resource belongs to: the name of its nearest ScimConnection ancestor. */
function connectionOf(r: PolicyResource): string | undefined {
    for (let p = r.parent; p; p = p.parent) {
        if (p.type === TYPES.scimConnection) return p.name;
    }
    return undefined;
}

function configOf<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
    return { ...defaults, ...args.getConfig<Partial<T>>() };
}

const tokenName = (args: ResourceValidationArgs) => `SCIM token "${args.name}"`;

const formatDays = (days: number) => (Number.isInteger(days) ? String(days) : days.toFixed(1));

// --- Entra: tenant URL, assignment, job template -------------------------------------------------------

export const tenantUrlScimFlag: ResourceValidationPolicy = {
    name: POLICY_NAMES.tenantUrl,
    description: `The Entra Tenant URL (synchronization secret BaseAddress) carries ?${AAD_SCIM_FLAG}.`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azuread.SynchronizationSecret, (secret, args, report) => {
        const base = (secret.credentials ?? []).find((c) => c.key === "BaseAddress");
        const fix = `Build it with entraTenantUrl(scimEndpointUrl) from components/helpers/urls.ts: Auth0's SCIM endpoint plus ?${AAD_SCIM_FLAG}.`;
        if (!base) {
            report(`Entra synchronization secret "${args.name}" has no BaseAddress (Tenant URL) credential, so Entra has nowhere to provision. ${fix}`);
            return;
        }
        // The URL is not secret, but the credential list is: say what is wrong, never echo values from it.
        let url: URL;
        try {
            url = new URL(base.value);
        } catch {
            report(`Entra synchronization secret "${args.name}": the BaseAddress (Tenant URL) is not a URL. ${fix}`);
            return;
        }
        if (!url.searchParams.has(AAD_SCIM_FLAG)) {
            report(
                `Entra synchronization secret "${args.name}": the BaseAddress (Tenant URL) lacks ?${AAD_SCIM_FLAG}, so Entra speaks ` +
                    `its pre-2020 SCIM dialect ("Replace" ops, "False" strings for active) that Auth0 does not accept. ${fix}`,
            );
        }
    }),
};

export const assignmentRequired: ResourceValidationPolicy = {
    name: POLICY_NAMES.assignmentRequired,
    description: "Entra enterprise apps require assignment (Assignment required? = Yes).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azuread.ServicePrincipal, (sp, args, report) => {
        if (sp.appRoleAssignmentRequired !== true) {
            report(
                `Entra service principal "${args.name}": appRoleAssignmentRequired is not true (Assignment required? = No), so every ` +
                    `user in the tenant can sign in to Auth0 through it. Set appRoleAssignmentRequired: true and grant access with ` +
                    `entra.assignments (users and groups) in the connection's config.`,
            );
        }
    }),
};

export const synchronizationJobTemplate: ResourceValidationPolicy = {
    name: POLICY_NAMES.jobTemplate,
    description: `Entra synchronization jobs for Auth0 use the "${SCIM_JOB_TEMPLATE_ID}" template.`,
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(azuread.SynchronizationJob, (job, args, report) => {
        if (job.templateId !== SCIM_JOB_TEMPLATE_ID) {
            report(
                `Entra synchronization job "${args.name}": templateId is "${job.templateId}"; a non-gallery app provisioning to Auth0 ` +
                    `needs "${SCIM_JOB_TEMPLATE_ID}" ("customappsso" is Entra's pre-2018 behaviour). Set templateId: "${SCIM_JOB_TEMPLATE_ID}" ` +
                    `(SCIM_JOB_TEMPLATE_ID in components/helpers/urls.ts); the job is replaced and its next cycle is an initial one.`,
            );
        }
    }),
};

// --- SCIM token scopes ------------------------------------------------------------------------------------

function checkScopes(scopes: unknown, args: ResourceValidationArgs, report: ReportViolation): void {
    if (!Array.isArray(scopes)) {
        report(
            `${tokenName(args)} declares no scopes, so Auth0 decides what it may do. Set connections[].scim.tokenScopes (or leave it out to get ${USER_TOKEN_SCOPES.join(" ")}).`,
        );
        return;
    }
    const list = scopes.filter((s): s is string => typeof s === "string");
    const put = list.filter((s) => s.startsWith("put:"));
    if (put.length > 0) {
        report(
            `${tokenName(args)} grants ${put.join(" ")}; Entra never replaces resources with PUT (it PATCHes), so the scope is unused privilege. Remove ${put.join(" ")} from connections[].scim.tokenScopes.`,
        );
    }
    const unknown = list.filter((s) => !(KNOWN_TOKEN_SCOPES as readonly string[]).includes(s));
    if (unknown.length > 0) {
        report(`${tokenName(args)} has scopes Auth0's SCIM API does not know: ${unknown.join(" ")}. Use only ${KNOWN_TOKEN_SCOPES.join(" ")}.`);
    }
    const missing = USER_TOKEN_SCOPES.filter((s) => !list.includes(s));
    if (missing.length > 0) {
        report(
            `${tokenName(args)} lacks ${missing.join(" ")}; Entra needs ${USER_TOKEN_SCOPES.join(" ")} to create, update and deactivate users. Add them to connections[].scim.tokenScopes.`,
        );
    }
}

export const tokenScopes: ResourceValidationPolicy = {
    name: POLICY_NAMES.tokenScopes,
    description: "SCIM tokens carry the user scopes Entra needs and no PUT or unknown scopes.",
    enforcementLevel: "mandatory",
    validateResource: [
        (args, report) => {
            if (args.type === TYPES.scimToken) checkScopes(args.props.scopes, args, report);
        },
        validateResourceOfType(auth0.ConnectionScimToken, (token, args, report) => checkScopes(token.scopes, args, report)),
    ],
};

function isToken(r: PolicyResource): boolean {
    return r.type === TYPES.scimToken || r.isType(auth0.ConnectionScimToken);
}

export const tokenGroupScopes: StackValidationPolicy = {
    name: POLICY_NAMES.tokenGroupScopes,
    description: "SCIM tokens carry group scopes exactly when the connection's provisioning schema provisions groups.",
    enforcementLevel: "mandatory",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        // Tokens and schemas meet under the connection's ScimConnection component; unparented ones share one bucket.
        const byConnection = new Map<string, { tokens: PolicyResource[]; provisionGroups: boolean[] }>();
        const bucket = (r: PolicyResource) => {
            const key = connectionOf(r) ?? "";
            let b = byConnection.get(key);
            if (!b) {
                b = { tokens: [], provisionGroups: [] };
                byConnection.set(key, b);
            }
            return b;
        };
        for (const r of args.resources) {
            if (isToken(r)) bucket(r).tokens.push(r);
            if (r.type === TYPES.synchronizationSchema) {
                const groups = known(() => r.props.provisionGroups);
                if (typeof groups === "boolean") bucket(r).provisionGroups.push(groups);
            }
        }
        for (const [connection, { tokens, provisionGroups }] of byConnection) {
            // Without a schema in the stack (Auth0-only connection) nobody here knows whether groups are provisioned.
            if (provisionGroups.length === 0) continue;
            const groups = provisionGroups.some((g) => g);
            const where = connection ? `connection "${connection}"` : "the stack";
            for (const token of tokens) {
                const scopes = known(() => token.props.scopes);
                if (!Array.isArray(scopes)) continue;
                const list = scopes.filter((s): s is string => typeof s === "string");
                const groupScopes = list.filter((s) => s.endsWith(":groups"));
                if (!groups && groupScopes.length > 0) {
                    report(
                        `SCIM token "${token.name}" of ${where} grants ${groupScopes.join(" ")} but its provisioning schema does not provision ` +
                            `groups (entra.provisionGroups: false). Drop the group scopes from connections[].scim.tokenScopes (least privilege), ` +
                            `or set entra.provisionGroups: true.`,
                        token.urn,
                    );
                }
                const missing = GROUP_TOKEN_SCOPES.filter((s) => !list.includes(s));
                if (groups && missing.length > 0) {
                    report(
                        `SCIM token "${token.name}" of ${where} lacks ${missing.join(" ")} but its provisioning schema provisions groups ` +
                            `(entra.provisionGroups: true); Entra's group calls would fail with 403. Add them to connections[].scim.tokenScopes, ` +
                            `or set entra.provisionGroups: false.`,
                        token.urn,
                    );
                }
            }
        }
    },
};

// --- Production tokens expire and rotate --------------------------------------------------------------

export function tokenExpiryRotation(context: PolicyContext): ResourceValidationPolicy {
    const production = (args: ResourceValidationArgs): { on: boolean; why: string } => {
        const cfg = configOf(args, DEFAULT_TOKEN_EXPIRY);
        const id = context.stack();
        const match = isProductionStack(cfg.productionStacks, id);
        if (match === undefined) return { on: true, why: "the stack's name is unknown (no PULUMI_STACK), so it is treated as production" };
        return { on: match, why: `stack "${id.stack}" matches productionStacks` };
    };
    return {
        name: POLICY_NAMES.tokenExpiry,
        description: "In production stacks SCIM tokens expire, and are rotated before they do.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                productionStacks: { type: "array", items: { type: "string" }, default: DEFAULT_TOKEN_EXPIRY.productionStacks },
                maxLifetimeDays: { type: "integer", minimum: 1, default: DEFAULT_TOKEN_EXPIRY.maxLifetimeDays },
                minRotationMarginDays: { type: "integer", minimum: 1, default: DEFAULT_TOKEN_EXPIRY.minRotationMarginDays },
            },
        },
        validateResource: [
            (args, report) => {
                if (args.type !== TYPES.scimToken) return;
                const prod = production(args);
                if (!prod.on) return;
                const cfg = configOf(args, DEFAULT_TOKEN_EXPIRY);
                const lifetime: unknown = args.props.tokenLifetimeDays;
                const rotation: unknown = args.props.tokenRotationDays;
                if (typeof lifetime !== "number") {
                    report(
                        `${tokenName(args)} never expires (${prod.why}). Set connections[].scim.tokenLifetimeDays (at most ${cfg.maxLifetimeDays}) and tokenRotationDays, and keep the scheduled pulumi up running.`,
                    );
                    return;
                }
                if (lifetime > cfg.maxLifetimeDays) {
                    report(
                        `${tokenName(args)} lives ${lifetime} days; production tokens live at most ${cfg.maxLifetimeDays}. Lower connections[].scim.tokenLifetimeDays.`,
                    );
                }
                // Without tokenRotationDays the token rotates after 3/4 of its lifetime (components/2-auth0-connection/tokenRotation.ts).
                const explicit = typeof rotation === "number";
                const rotationDays = rotationPeriodMs({ tokenLifetimeDays: lifetime, tokenRotationDays: explicit ? rotation : undefined })! / DAY_MS;
                const margin = lifetime - rotationDays;
                if (margin < cfg.minRotationMarginDays) {
                    const latest = Math.max(1, Math.floor(lifetime - cfg.minRotationMarginDays));
                    report(
                        `${tokenName(args)} is rotated ${formatDays(margin)} day(s) before it expires` +
                            `${explicit ? "" : ` (tokenRotationDays unset: 3/4 of the ${lifetime}-day lifetime)`}; leave at least ` +
                            `${cfg.minRotationMarginDays} for failed scheduled runs. Set connections[].scim.tokenRotationDays to at most ${latest}, ` +
                            `or raise tokenLifetimeDays.`,
                    );
                }
            },
            validateResourceOfType(auth0.ConnectionScimToken, (_token, args, report) => {
                const prod = production(args);
                if (!prod.on) return;
                report(
                    `${tokenName(args)} is an auth0.ConnectionScimToken, which has no lifetime: the token never expires (${prod.why}). ` +
                        `Use the stack's ScimToken resource with connections[].scim.tokenLifetimeDays and tokenRotationDays, so the scheduled pulumi up rotates it.`,
                );
            }),
        ],
    };
}

// --- Signing certificates -------------------------------------------------------------------------------

export function signingCertificateExpiry(context: PolicyContext): StackValidationPolicy {
    return {
        name: POLICY_NAMES.certificateExpiry,
        description: "Entra SAML token signing certificates are not near their end date.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                minRemainingDays: { type: "integer", minimum: 1, default: DEFAULT_CERTIFICATE_EXPIRY.minRemainingDays },
            },
        },
        // A stack policy sees outputs: the real end date of certificates that exist, not only configured ones.
        validateStack: (args, report) => {
            const cfg = configOf(args, DEFAULT_CERTIFICATE_EXPIRY);
            const now = context.now().getTime();
            for (const r of args.resources) {
                if (!r.isType(azuread.ServicePrincipalTokenSigningCertificate)) continue;
                const endDate = known(() => r.props.endDate);
                if (typeof endDate !== "string") continue;
                const end = Date.parse(endDate);
                if (Number.isNaN(end)) continue;
                const days = Math.floor((end - now) / DAY_MS);
                if (days >= cfg.minRemainingDays) continue;
                const when = days < 0 ? `expired on ${endDate}` : `ends on ${endDate}, in ${days} day(s)`;
                report(
                    `SAML signing certificate "${r.name}" ${when}; the policy wants at least ${cfg.minRemainingDays} days left. ` +
                        `Set connections[].entra.certificateEndDate to a later date (e.g. three years ahead) and run pulumi up: the stack ` +
                        `creates a new certificate, makes it the active one and gives Auth0 its PEM.`,
                    r.urn,
                );
            }
        },
    };
}

export type Policy = ResourceValidationPolicy | StackValidationPolicy;

export function createPolicies(context: PolicyContext = contextFromEnvironment()): Policy[] {
    return [
        tenantUrlScimFlag,
        assignmentRequired,
        synchronizationJobTemplate,
        tokenScopes,
        tokenGroupScopes,
        tokenExpiryRotation(context),
        signingCertificateExpiry(context),
    ];
}

export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";
