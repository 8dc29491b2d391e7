// Issue 12 defect 6, through Pulumi's real dynamic-provider host. The host answers Configure with
// supportsPreview=false, so in a preview the engine does not call Update: it takes the resource's new inputs as its
// outputs (pulumi/pulumi pkg/resource/plugin/provider_plugin.go, Update: `!protocol.supportsPreview` -> NewInputs),
// and the Node.js SDK resolves an output missing from them as unknown in a preview (sdk/nodejs/runtime/rpc.ts
// resolveProperties). `token` is never an input, so an in-place ScimToken update would preview the token as
// unknown and the Entra synchronization secret (which takes it) as changing, although `pulumi up` keeps the token.
// A Same step (Diff: no change) keeps the recorded outputs (pkg/resource/deploy/step.go SameStep.Apply).
// So: a schedule-only edit must Diff as no change, and ScimToken's schedule outputs must still show the new plan.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamicTypeToken } from "../../components/dynamic/dynamicResource";
import { type DynamicHost, UNKNOWN, secret, startDynamicHost } from "../support/dynamicHost";
import { PROJECT_ROOT, type ProgramRegistration, dynamicRegistrations, registerProgramInChild } from "../support/serializeProvider";
import { type StandIns, exampleConfig, startStandInsFor } from "./scenario";

type Props = Record<string, unknown>;

let s: StandIns;
let host: DynamicHost;
let token: ProgramRegistration;
/** The state after the first `pulumi up`: checked inputs and the outputs the engine stored (token secret). */
let state: { id: string; inputs: Props; outputs: Props };

beforeAll(async () => {
    const config = exampleConfig();
    const regs = await registerProgramInChild({ cwd: PROJECT_ROOT, entry: "index.ts", config, tsNode: true });
    // The managed connection's token: 180-day lifetime, rotated after 150 days (Pulumi.example.yaml).
    token = dynamicRegistrations(regs).find((r) => r.type === dynamicTypeToken("ScimToken") && r.inputs.tokenRotationDays === 150)!;
    s = await startStandInsFor([token], String(config["auth0:domain"]));
    host = await startDynamicHost({ cwd: PROJECT_ROOT, env: s.env, config });
    await host.configure();
    const { inputs } = await host.check(token.urn, {}, token.inputs);
    const created = await host.create(token.urn, inputs);
    state = { id: created.id, inputs, outputs: { ...created.properties, token: secret(created.properties.token) } };
}, 120_000);

afterAll(async () => {
    await host?.close();
    await s?.close();
});

/** What the program sees for `token` in a preview after the engine's step for this Diff answer, in words (no value printed). */
async function tokenInPreview(news: Props): Promise<string> {
    const seen = await previewToken(news);
    const issued = (state.outputs.token as { value: unknown }).value;
    return seen === UNKNOWN ? "unknown" : seen === issued ? "the issued token" : "another value";
}

async function previewToken(news: Props): Promise<unknown> {
    const checked = await host.check(token.urn, state.inputs, news, { preview: true });
    const diff = await host.diff(token.urn, state.id, state.outputs, checked.inputs, { preview: true, oldInputs: state.inputs });
    if (diff.replaces.length > 0) return UNKNOWN;
    if (diff.changes === "none") return (state.outputs.token as { value: unknown }).value;
    const { properties } = await host.update(token.urn, state.id, state.outputs, checked.inputs, { preview: true, oldInputs: state.inputs });
    return "token" in properties ? properties.token : UNKNOWN;
}

describe("a ScimToken edit that keeps the token", () => {
    it("the host does not support previews, and its Check answer (what a preview Update would take as outputs) has no token", async () => {
        expect(await host.configure()).toEqual({ acceptSecrets: false, supportsPreview: false });
        const { inputs } = await host.check(token.urn, state.inputs, { ...token.inputs, tokenRotationDays: 120 }, { preview: true });
        expect(inputs).not.toHaveProperty("token");
    });

    it("a new rotation period previews as no change, so the token stays known and the Entra secret unchanged", async () => {
        const issued = (state.outputs.token as { value: string }).value;
        expect(s.auth0.scimTokenWorks(String(token.inputs.connectionId), issued)).toBe(true);
        expect(await tokenInPreview({ ...token.inputs, tokenRotationDays: 120 })).toBe("the issued token");
        expect(await tokenInPreview({ ...token.inputs, tokenRotationDays: undefined })).toBe("the issued token");
    });

    it("a real change of the token (its scopes) still previews as a replacement", async () => {
        expect(await tokenInPreview({ ...token.inputs, scopes: ["get:users", "post:users"] })).toBe("unknown");
    });

    it("the program shows the date the provider planned for the new period, from the recorded outputs", async () => {
        const { inputs: planned } = await host.check(token.urn, state.inputs, { ...token.inputs, tokenRotationDays: 120 });
        const outputs = { ...state.outputs, token: (state.outputs.token as { value: unknown }).value };
        // The next program run: the engine answers the registration with the kept outputs (a Same step).
        pulumi.runtime.setMocks(
            { newResource: async (a) => ({ id: state.id, state: a.type === token.type ? outputs : a.inputs }), call: async (a) => a.inputs },
            "auth0-entra-scim",
            "dev",
            false,
        );
        const { ScimToken } = await import("../../components/2-auth0-connection/scimToken");
        const t = new ScimToken("kept", {
            connectionId: String(token.inputs.connectionId),
            scopes: token.inputs.scopes as string[],
            tokenLifetimeDays: 180,
            tokenRotationDays: 120,
        });
        const seen = await new Promise<[string | undefined, number | undefined, string]>((ok) =>
            pulumi.all([t.rotateAfter, t.tokenRotationDays, t.id]).apply(ok),
        );
        expect(planned.rotateAfter).not.toBe(state.outputs.rotateAfter);
        expect(seen).toEqual([planned.rotateAfter, 120, `${token.inputs.connectionId}/${state.outputs.tokenId}`]);
    });
});
