// Vitest hooks shared by the Graph-backed provider tests: one stand-in per file, and before each test a fresh
// provider (waits recorded, not slept) and a fresh service principal.
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { GraphClientFactory } from "../../components/clients/graph";
import { type GraphStandIn, standInClients, startGraphStandIn } from "./graphStandIn";

export interface ProviderHarness {
    g: GraphStandIn;
    provider: pulumi.dynamic.ResourceProvider;
    sleeps: number[];
    tenants: (string | undefined)[];
    spId: string;
}

export function useProviderAgainstStandIn(createProvider: (clientFor: GraphClientFactory) => pulumi.dynamic.ResourceProvider): ProviderHarness {
    const h = {} as ProviderHarness;
    beforeAll(async () => {
        h.g = await startGraphStandIn();
    });
    afterAll(async () => {
        await h.g.close();
    });
    beforeEach(() => {
        h.g.reset();
        const c = standInClients(h.g);
        h.provider = createProvider(c.clientFor);
        h.sleeps = c.sleeps;
        h.tenants = c.tenants;
        h.spId = h.g.addServicePrincipal().id;
    });
    return h;
}
