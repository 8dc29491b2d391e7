// PreferredTokenSigningKey's provider against the Graph stand-in.
import { beforeEach, describe, expect, it } from "vitest";
import { GraphError } from "../components/clients/graphError";
import { createProvider, type PreferredTokenSigningKeyInputs } from "../components/1-entra-app/preferredTokenSigningKeyProvider";
import { useProviderAgainstStandIn } from "./support/providerHarness";

const THUMB_A = "2F8B4E1C9A7D3B6E5F0A1C2D3E4F5A6B7C8D9E0F";
const THUMB_B = "9E0F7C8D5A6B3E4F1C2D5F0A3B6E9A7D4E1C2F8B";

const h = useProviderAgainstStandIn(createProvider);
let spId: string;
let inputs: PreferredTokenSigningKeyInputs;

beforeEach(() => {
    spId = h.spId;
    inputs = { servicePrincipalId: spId, thumbprint: THUMB_A, tenantId: "11111111-2222-3333-4444-555555555555" };
});
const live = () => h.g.state.servicePrincipals.get(spId)!.preferredTokenSigningKeyThumbprint;

describe("PreferredTokenSigningKey provider", () => {
    it("create PATCHes preferredTokenSigningKeyThumbprint, with a token for the declared tenant", async () => {
        const r = await h.provider.create(inputs);
        expect(r).toEqual({ id: spId, outs: inputs });
        expect(h.g.requests.map((x) => [x.method, x.path, x.body])).toEqual([
            ["PATCH", `/servicePrincipals/${spId}`, { preferredTokenSigningKeyThumbprint: THUMB_A }],
        ]);
        expect(live()).toBe(THUMB_A);
        expect(h.tenants).toEqual([inputs.tenantId]);
    });

    it("diff is local: no change for the same thumbprint in another case, update for another, replace for another service principal", async () => {
        await h.provider.create(inputs);
        const before = h.g.requests.length;
        expect(await h.provider.diff!(spId, inputs, { ...inputs, thumbprint: THUMB_A.toLowerCase() })).toMatchObject({ changes: false });
        expect(await h.provider.diff!(spId, inputs, { ...inputs, thumbprint: THUMB_B })).toMatchObject({ changes: true, replaces: [] });
        expect(await h.provider.diff!(spId, inputs, { ...inputs, servicePrincipalId: "other" })).toMatchObject({
            changes: true,
            replaces: ["servicePrincipalId"],
        });
        expect(h.g.requests.length).toBe(before);
    });

    it("read selects only the thumbprint and shows a portal change as drift", async () => {
        await h.provider.create(inputs);
        h.g.reset();
        expect((await h.provider.read!(spId, inputs)).props).toEqual(inputs);
        expect(h.g.requests[0]).toMatchObject({ method: "GET", path: `/servicePrincipals/${spId}`, query: { $select: "preferredTokenSigningKeyThumbprint" } });
        h.g.state.servicePrincipals.get(spId)!.preferredTokenSigningKeyThumbprint = THUMB_B;
        const drifted = await h.provider.read!(spId, inputs);
        expect(drifted.props).toEqual({ ...inputs, thumbprint: THUMB_B });
        expect(await h.provider.diff!(spId, drifted.props, inputs)).toMatchObject({ changes: true });
        h.g.state.servicePrincipals.get(spId)!.preferredTokenSigningKeyThumbprint = THUMB_A.toLowerCase();
        expect((await h.provider.read!(spId, inputs)).props).toEqual(inputs);
    });

    it("reads by id alone (import), and reports a deleted service principal as gone", async () => {
        await h.provider.create(inputs);
        expect((await h.provider.read!(spId)).props).toMatchObject({ servicePrincipalId: spId, thumbprint: THUMB_A });
        h.g.state.servicePrincipals.delete(spId);
        expect((await h.provider.read!(spId, inputs)).id).toBeUndefined();
    });

    it("update activates the new thumbprint", async () => {
        await h.provider.create(inputs);
        const r = await h.provider.update!(spId, inputs, { ...inputs, thumbprint: THUMB_B });
        expect(r.outs).toEqual({ ...inputs, thumbprint: THUMB_B });
        expect(live()).toBe(THUMB_B);
    });

    it("delete leaves the key as it is and calls nothing", async () => {
        await h.provider.create(inputs);
        h.g.reset();
        await h.provider.delete!(spId, inputs);
        expect(h.g.requests).toEqual([]);
        expect(live()).toBe(THUMB_A);
    });

    it("waits out the 404 of a service principal created a moment ago, honours 429 Retry-After, retries 503", async () => {
        h.g.injectNotFound("PATCH", `/servicePrincipals/${spId}`);
        h.g.injectThrottle("PATCH", `/servicePrincipals/${spId}`, 4);
        h.g.injectUnavailable("PATCH", `/servicePrincipals/${spId}`);
        await h.provider.create(inputs);
        expect(h.g.requests.map((r) => r.status)).toEqual([404, 429, 503, 204]);
        expect(h.sleeps).toEqual([2000, 4000, 2000]);
        expect(live()).toBe(THUMB_A);
    });

    it("surfaces a 403 as a clear error naming Application.ReadWrite.OwnedBy", async () => {
        h.g.injectForbidden("PATCH", `/servicePrincipals/${spId}`);
        const err = await h.provider.create(inputs).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(GraphError);
        expect((err as Error).message).toContain(`activate token signing key ${THUMB_A} on service principal ${spId} failed (HTTP 403 on PATCH`);
        expect((err as Error).message).toContain("Authorization_RequestDenied");
        expect((err as Error).message).toContain("Application.ReadWrite.OwnedBy (the caller must own the app) or Application.ReadWrite.All");
        expect(live()).toBeNull();
    });
});
