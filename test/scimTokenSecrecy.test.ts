// The SCIM token never travels in plain text. Checked on what the engine would receive, recorded by the offline
// plan's monitor (tools/plan/simulation.ts, secrets kept on the wire): ScimToken asks for `token` as a secret output
// (the engine applies additionalSecretOutputs to state; Pulumi's mocks do not, so ScimToken also wraps it), and a
// resource that takes the token (as the Entra synchronization secret does) receives the issued value marked secret.
// The mocks run the real provider against the Auth0 stand-in, so the value checked is a real issued token.
// Stored texts and inputs: test/providerText.test.ts; log lines and errors: test/scimTokenProvider.test.ts.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScimTokenInputs, createScimTokenProvider } from "../components/2-auth0-connection/scimTokenProvider";
import { type RecordedResource, RecordingMonitor, simulateCall } from "../tools/plan/simulation";
import { type Auth0StandIn, startAuth0StandIn } from "./support/auth0StandIn";

const CONN = "con_Hvg6w4PSvAVOoCJ2";
const CLIENT_SECRET = "m2m-client-secret-never-in-state-42";
const USER_SCOPES = ["get:users", "post:users", "patch:users", "delete:users"];
const NOW = new Date("2026-01-15T09:00:00.000Z");
const CONSUMER = "test:index:SecretTokenConsumer";

let standIn: Auth0StandIn;
let monitor: RecordingMonitor;

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        o.apply((v) => {
            resolve(v);
            return v;
        }),
    );
}

beforeAll(async () => {
    standIn = await startAuth0StandIn({ clientId: "m2m-id", clientSecret: CLIENT_SECRET, audience: "https://acme.eu.auth0.com/api/v2/", now: () => NOW });
    for (const id of [CONN, "con_forever000000000"]) standIn.addConnection(id);
    const env = { AUTH0_DOMAIN: "acme.eu.auth0.com", AUTH0_CLIENT_ID: "m2m-id", AUTH0_CLIENT_SECRET: CLIENT_SECRET };
    const provider = createScimTokenProvider({ now: () => NOW, env: () => env, management: { baseUrl: standIn.url, sleep: async () => {} }, log: () => {} });
    monitor = new RecordingMonitor({
        newResource: async (args) => {
            if (args.type !== "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken") return { id: `${args.name}-id`, state: args.inputs };
            const { __provider: _serialized, ...inputs } = args.inputs as ScimTokenInputs & { __provider: string };
            const checked = await provider.check!({} as ScimTokenInputs, inputs);
            const { id, outs } = await provider.create(checked.inputs!);
            return { id, state: outs };
        },
        call: simulateCall,
    });
    pulumi.runtime.setMockOptions(monitor, "auth0-entra-scim", "test", false);
    // As simulate() does: the mock runtime sends secrets marked only once it has asked for the feature.
    await (pulumi.runtime as unknown as { awaitFeatureSupport(): Promise<void> }).awaitFeatureSupport();
});

afterAll(async () => {
    await standIn.close();
});

/** Stands in for the Entra synchronization secret: any resource that takes the token as an input. */
class Consumer extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs) {
        super(CONSUMER, name, props);
    }
}

function recorded(name: string): RecordedResource {
    const r = monitor.recorded.find((x) => x.name === name);
    if (!r) throw new Error(`${name} was not registered`);
    return r;
}

describe("ScimToken", () => {
    it("registers the dynamic type with token as a secret output, and gives the program the issued value as a secret", async () => {
        const { ScimToken, SCIM_TOKEN_TYPE } = await import("../components/2-auth0-connection/scimToken");
        const t = new ScimToken("acme-entra-scim-token", { connectionId: CONN, scopes: USER_SCOPES, tokenLifetimeDays: 90, tokenRotationDays: 60 });
        expect(await value(t.urn)).toContain(`::${SCIM_TOKEN_TYPE}::acme-entra-scim-token`);
        const reg = recorded("acme-entra-scim-token");
        expect(reg.additionalSecretOutputs).toEqual(["token"]);
        expect(reg.deleteBeforeReplace).toBe(false);

        const issued = standIn.tokens(CONN)[0];
        expect(await pulumi.isSecret(t.token)).toBe(true);
        expect(await value(t.token)).toBe(issued.token);
        // The rest is not secret, so previews can show it.
        expect(await pulumi.isSecret(t.id)).toBe(false);
        expect(await value(t.id)).toBe(`${CONN}/${issued.token_id}`);
        expect(await value(t.createdAt)).toBe(issued.created_at);
        expect(await value(t.validUntil)).toBe(issued.valid_until);
        expect(await value(t.rotateAfter)).toBe(new Date(NOW.getTime() + 60 * 86_400_000).toISOString());
    });

    it("a resource that takes the token, directly or derived, receives the issued value marked secret on the wire", async () => {
        const { ScimToken } = await import("../components/2-auth0-connection/scimToken");
        const t = new ScimToken("forever", { connectionId: "con_forever000000000", scopes: USER_SCOPES });
        const consumer = new Consumer("entra-secret", {
            credentials: [
                { key: "BaseAddress", value: "https://acme.eu.auth0.com/scim/v2/connections/con_forever000000000?aadOptscim062020" },
                { key: "SecretToken", value: t.token },
            ],
            header: t.token.apply((v) => `Bearer ${v}`),
        });
        await value(consumer.urn);
        const issued = standIn.tokens("con_forever000000000")[0].token;
        const reg = recorded("entra-secret");
        // The real value arrives (so the check below is about this token), and every place holding it is secret.
        expect(reg.inputs.credentials).toEqual([expect.objectContaining({ key: "BaseAddress" }), { key: "SecretToken", value: issued }]);
        expect(reg.inputs.header).toBe(`Bearer ${issued}`);
        expect(reg.secretPaths.sort()).toEqual(["credentials[1].value", "header"]);
        expect(JSON.stringify(reg.displayInputs)).not.toContain(issued);
        expect(await value(t.validUntil)).toBeUndefined();
        expect(await value(t.rotateAfter)).toBeUndefined();
    });

    it("refuses deleteBeforeReplace, which would delete Entra's token before its successor exists", async () => {
        const { ScimToken } = await import("../components/2-auth0-connection/scimToken");
        expect(() => new ScimToken("dbr", { connectionId: CONN, scopes: USER_SCOPES }, { deleteBeforeReplace: true })).toThrow(/deleteBeforeReplace/);
    });
});
