// The SCIM token never appears in plain text: not in the program's outputs (mocks do not apply
// additionalSecretOutputs, so ScimToken wraps `token` with pulumi.secret itself), not in the serialized
// provider Pulumi stores in state, and (scimTokenProvider.test.ts) not in any log line or error.
// The mocks run the real provider against the Auth0 stand-in, so the value checked is a real issued token.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Auth0StandIn, startAuth0StandIn } from "./support/auth0StandIn";
import { type ScimTokenInputs, createScimTokenProvider } from "../components/2-auth0-connection/scimTokenProvider";

const CONN = "con_Hvg6w4PSvAVOoCJ2";
const CLIENT_SECRET = "m2m-client-secret-never-in-state-42";
const USER_SCOPES = ["get:users", "post:users", "patch:users", "delete:users"];
const NOW = new Date("2026-01-15T09:00:00.000Z");

let standIn: Auth0StandIn;
const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
const logs: string[] = [];

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
    for (const id of [CONN, "con_forever000000000", "con_serialized0000000"]) standIn.addConnection(id);
    // Credentials exist in this process, as they would when `pulumi up` runs: they must not be captured.
    process.env.AUTH0_DOMAIN = "acme.eu.auth0.com";
    process.env.AUTH0_CLIENT_ID = "m2m-id";
    process.env.AUTH0_CLIENT_SECRET = CLIENT_SECRET;
    const provider = createScimTokenProvider({ now: () => NOW, management: { baseUrl: standIn.url, sleep: async () => {} }, log: (l) => logs.push(l) });
    pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                if (args.type !== "pulumi-nodejs:dynamic/auth0-entra-scim:ScimToken") return { id: `${args.name}-id`, state: args.inputs };
                const { __provider: _serialized, ...inputs } = args.inputs as ScimTokenInputs & { __provider: string };
                const checked = await provider.check!({} as ScimTokenInputs, inputs);
                const { id, outs } = await provider.create(checked.inputs!);
                return { id, state: outs };
            },
            call: async () => ({}),
        },
        "auth0-entra-scim",
        "test",
        false,
    );
});

afterAll(async () => {
    await standIn.close();
});

describe("ScimToken under mocks", () => {
    it("registers the dynamic type, and exposes token only as a secret", async () => {
        const { ScimToken, SCIM_TOKEN_TYPE } = await import("../components/2-auth0-connection/scimToken");
        let seenOpts: pulumi.CustomResourceOptions | undefined;
        const t = new ScimToken(
            "acme-entra-scim-token",
            { connectionId: CONN, scopes: USER_SCOPES, tokenLifetimeDays: 90, tokenRotationDays: 60 },
            {
                transformations: [
                    (a) => {
                        seenOpts = a.opts as pulumi.CustomResourceOptions;
                        return undefined;
                    },
                ],
            },
        );
        expect(await value(t.urn)).toContain(`::${SCIM_TOKEN_TYPE}::acme-entra-scim-token`);
        expect(seenOpts?.additionalSecretOutputs).toEqual(["token"]);
        expect(seenOpts?.deleteBeforeReplace).toBeFalsy();

        const issued = standIn.tokens(CONN)[0];
        expect(await pulumi.isSecret(t.token)).toBe(true);
        expect(await value(t.token)).toBe(issued.token);
        // Whatever the lead builds from it (stack outputs, the Entra credentials list) stays secret.
        const stackOutput = pulumi.output({ scimToken: t.token, scimTokenValidUntil: t.validUntil });
        expect(await pulumi.isSecret(stackOutput)).toBe(true);
        expect(await pulumi.isSecret(t.token.apply((v) => `Bearer ${v}`))).toBe(true);
        expect(String(t.token)).not.toContain(issued.token);

        // The rest is not secret, so previews can show it.
        expect(await pulumi.isSecret(t.tokenId)).toBe(false);
        expect(await value(t.tokenId)).toBe(issued.token_id);
        expect(await value(t.createdAt)).toBe(issued.created_at);
        expect(await value(t.validUntil)).toBe(issued.valid_until);
        expect(issued.created_at).toBe(NOW.toISOString());
        expect(await value(t.rotateAfter)).toBe(new Date(NOW.getTime() + 60 * 86_400_000).toISOString());
    });

    it("reports a non-expiring token's validUntil and rotateAfter as undefined", async () => {
        const { ScimToken } = await import("../components/2-auth0-connection/scimToken");
        const t = new ScimToken("forever", { connectionId: "con_forever000000000", scopes: USER_SCOPES });
        expect(await value(t.validUntil)).toBeUndefined();
        expect(await value(t.rotateAfter)).toBeUndefined();
        expect(await pulumi.isSecret(t.token)).toBe(true);
    });

    it("stores a small serialized provider with no token and no credential in it", async () => {
        const { ScimToken } = await import("../components/2-auth0-connection/scimToken");
        const t = new ScimToken("serialized", { connectionId: "con_serialized0000000", scopes: USER_SCOPES, tokenLifetimeDays: 30 });
        await value(t.token);
        const reg = registered.find((r) => r.name === "serialized")!;
        const text = reg.inputs.__provider as string;
        expect(typeof text).toBe("string");
        expect(text).toContain("components/2-auth0-connection/scimTokenProvider");
        expect(text.length).toBeLessThan(768);
        expect(text).not.toContain(CLIENT_SECRET);
        for (const v of standIn.issuedValues) expect(text).not.toContain(v);
        // The inputs Pulumi stores hold no secret either.
        const { __provider: _p, ...inputs } = reg.inputs;
        expect(JSON.stringify(inputs)).not.toMatch(/tok_[A-Za-z0-9]{16}\.[0-9a-f]{64}/);
        for (const line of logs) for (const v of standIn.issuedValues) expect(line).not.toContain(v);
    });

    it("refuses deleteBeforeReplace, which would delete Entra's token before its successor exists", async () => {
        const { ScimToken } = await import("../components/2-auth0-connection/scimToken");
        expect(() => new ScimToken("dbr", { connectionId: CONN, scopes: USER_SCOPES }, { deleteBeforeReplace: true })).toThrow(/deleteBeforeReplace/);
    });
});
