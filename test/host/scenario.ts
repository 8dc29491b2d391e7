// What the host tests share: the stand-ins seeded with the ids a program run registered, the environment that points
// the provider code (inside Pulumi's real dynamic-provider host) at them, and per custom resource type an input change
// and what Auth0 or Graph must look like after Create, Update and Delete.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { GRAPH_TOKEN_ENV, GRAPH_URL_ENV } from "../../components/clients/graph";
import { PROVIDER_MODULES } from "../../components/dynamic/providerText";
import { type Auth0StandIn, startAuth0StandIn } from "../support/auth0StandIn";
import { type GraphStandIn, startGraphStandIn } from "../support/graphStandIn";
import { PROJECT_ROOT, type ProgramRegistration } from "../support/serializeProvider";

export type CustomResourceType = keyof typeof PROVIDER_MODULES;

/** Every custom resource type of the package, as the program registers them. */
export const CUSTOM_RESOURCE_TYPES = Object.keys(PROVIDER_MODULES) as CustomResourceType[];

/** ScimToken etc. from pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken. */
export function shortType(reg: ProgramRegistration): CustomResourceType {
    return reg.type.slice(reg.type.lastIndexOf(":") + 1) as CustomResourceType;
}

/** The stack config of Pulumi.example.yaml: a managed and an Auth0-only connection, every custom resource type. */
export function exampleConfig(): Record<string, unknown> {
    return (parse(readFileSync(path.join(PROJECT_ROOT, "Pulumi.example.yaml"), "utf8")) as { config: Record<string, unknown> }).config;
}

/** The Auth0 M2M application the stand-in accepts; the host gets it from its environment. */
export const AUTH0_CLIENT = { id: "host-test-m2m", secret: "host-test-m2m-secret-never-stored" };

export interface StandIns {
    graph: GraphStandIn;
    auth0: Auth0StandIn;
    /** The host's environment: Graph and Auth0 credentials, and the loopback-only preload. */
    env: Record<string, string>;
    close(): Promise<void>;
}

const LOOPBACK_ONLY = path.join(__dirname, "loopbackOnly.cjs");

/** Both stand-ins, holding the connections, service principals and jobs the registered inputs name. */
export async function startStandInsFor(regs: ProgramRegistration[], auth0Domain: string): Promise<StandIns> {
    const auth0 = await startAuth0StandIn({ clientId: AUTH0_CLIENT.id, clientSecret: AUTH0_CLIENT.secret, audience: `https://${auth0Domain}/api/v2/` });
    const graph = await startGraphStandIn();
    for (const r of regs) {
        const i = r.inputs as Record<string, string>;
        if (shortType(r) === "ScimToken" && !auth0.connections.has(i.connectionId)) auth0.addConnection(i.connectionId);
        if (i.servicePrincipalId && !graph.state.servicePrincipals.has(i.servicePrincipalId)) graph.addServicePrincipal({ id: i.servicePrincipalId });
        if (i.synchronizationJobId && !graph.state.jobs.has(i.synchronizationJobId)) graph.addJob(i.servicePrincipalId, { jobId: i.synchronizationJobId });
    }
    return {
        graph,
        auth0,
        env: {
            [GRAPH_URL_ENV]: graph.url,
            [GRAPH_TOKEN_ENV]: graph.token,
            AUTH0_DOMAIN: auth0Domain,
            AUTH0_CLIENT_ID: AUTH0_CLIENT.id,
            AUTH0_CLIENT_SECRET: AUTH0_CLIENT.secret,
            AUTH0_STAND_IN_FOR: auth0Domain,
            AUTH0_STAND_IN_ORIGIN: auth0.url,
            NODE_OPTIONS: `--require ${LOOPBACK_ONLY}`,
        },
        async close() {
            await Promise.all([graph.close(), auth0.close()]);
        },
    };
}

type Props = Record<string, unknown>;

interface Job {
    job: { schedule: { state: string } };
    schema: {
        synchronizationRules: {
            objectMappings: { sourceObjectName: string; attributeMappings: { targetAttributeName: string; matchingPriority: number }[] }[];
        }[];
    };
}

function job(s: StandIns, i: Props): Job {
    return s.graph.state.jobs.get(String(i.synchronizationJobId)) as unknown as Job;
}

function emailPrecedence(s: StandIns, i: Props): number | undefined {
    const user = job(s, i).schema.synchronizationRules[0].objectMappings.find((m) => m.sourceObjectName === "User");
    return user?.attributeMappings.find((a) => a.targetAttributeName === 'emails[type eq "work"].value')?.matchingPriority;
}

export interface Lifecycle {
    /** An input change a user could make, and whether the provider updates in place or replaces. */
    change(inputs: Props): Props;
    changeIs: "update" | "replace";
    /** The tenant after Create (outputs as the host returned them). */
    created(s: StandIns, inputs: Props, outs: Props): void;
    /** The tenant after Update with `change`'s inputs. */
    updated?(s: StandIns, inputs: Props, outs: Props): void;
    /** The tenant after Delete; `calls`: requests Auth0 and Graph received during it. */
    deleted(s: StandIns, inputs: Props, outs: Props, calls: number): void;
    /** An identity input: unknown in a preview, it must neither fail Check nor hide a replacement. */
    identity: string;
}

type Expect = (actual: unknown, message?: string) => { toBe(v: unknown): void; toBeUndefined(): void; toContain(v: unknown): void };

/** Per type; `expect` is vitest's, passed in so this module has no test-runner state. */
export function lifecycles(expect: Expect): Record<CustomResourceType, Lifecycle> {
    return {
        ScimToken: {
            change: (i) => ({ ...i, scopes: (i.scopes as string[]).slice(0, -1) }),
            changeIs: "replace",
            identity: "connectionId",
            created(s, i, outs) {
                const issued = s.auth0.tokens(String(i.connectionId)).map((t) => t.token_id);
                expect(issued, "Auth0 lists the created token").toContain(outs.tokenId);
                // The host returns the value plain; the engine stores it secret (additionalSecretOutputs).
                expect(s.auth0.scimTokenWorks(String(i.connectionId), String(outs.token)), "the returned value is the bearer Auth0 accepts").toBe(true);
            },
            deleted(s, i, outs) {
                expect(s.auth0.tokens(String(i.connectionId)).find((t) => t.token_id === outs.tokenId)).toBeUndefined();
            },
        },
        SynchronizationSchema: {
            change: (i) => ({ ...i, emailMatchingPrecedence: 3 }),
            changeIs: "update",
            identity: "synchronizationJobId",
            created: (s, i) => expect(emailPrecedence(s, i)).toBe(i.emailMatchingPrecedence),
            updated: (s, i) => expect(emailPrecedence(s, i)).toBe(3),
            // Delete restores Graph's default schema (userName is the only matching attribute).
            deleted: (s, i) => expect(emailPrecedence(s, i)).toBe(0),
        },
        PreferredTokenSigningKey: {
            change: (i) => ({ ...i, thumbprint: "0123456789ABCDEF0123456789ABCDEF01234567" }),
            changeIs: "update",
            identity: "servicePrincipalId",
            created: (s, i) => expect(s.graph.state.servicePrincipals.get(String(i.servicePrincipalId))?.preferredTokenSigningKeyThumbprint).toBe(i.thumbprint),
            updated: (s, i) => expect(s.graph.state.servicePrincipals.get(String(i.servicePrincipalId))?.preferredTokenSigningKeyThumbprint).toBe(i.thumbprint),
            // Delete leaves the key active (the certificate's own deletion removes it), without a call.
            deleted(s, i, _outs, calls) {
                expect(s.graph.state.servicePrincipals.get(String(i.servicePrincipalId))?.preferredTokenSigningKeyThumbprint).toBe(i.thumbprint);
                expect(calls).toBe(0);
            },
        },
        ProvisioningStatus: {
            change: (i) => ({ ...i, enabled: !i.enabled }),
            changeIs: "update",
            identity: "synchronizationJobId",
            created: (s, i) => expect(job(s, i).job.schedule.state).toBe(i.enabled ? "Active" : "Disabled"),
            updated: (s, i) => expect(job(s, i).job.schedule.state).toBe(i.enabled ? "Active" : "Disabled"),
            deleted: (s, i) => expect(job(s, i).job.schedule.state).toBe("Disabled"),
        },
        ProvisionOnDemand: {
            change: (i) => ({ ...i, objectId: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" }),
            changeIs: "replace",
            identity: "objectId",
            created(s, i, outs) {
                const sent = s.graph.requestsTo("POST", /\/provisionOnDemand$/).map((r) => JSON.stringify(r.body));
                expect(
                    sent.some((b) => b.includes(`"objectId":"${i.objectId}"`) && b.includes(`"ruleId":"${i.ruleId}"`)),
                    "one request for this subject",
                ).toBe(true);
                expect(outs.result).toBe("Success");
            },
            // An on-demand run is an event: deleting it undoes nothing and calls nothing.
            deleted: (_s, _i, _outs, calls) => expect(calls).toBe(0),
        },
    };
}

/** Inputs without the provider text, for comparing what a provider returned with what was registered. */
export function withoutProvider(p: Props): Props {
    const { __provider: _p, ...rest } = p;
    return rest;
}
