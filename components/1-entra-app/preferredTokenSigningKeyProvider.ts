// Dynamic provider of PreferredTokenSigningKey: PATCH /servicePrincipals/{id} {preferredTokenSigningKeyThumbprint}.
import type { ServicePrincipal } from "@microsoft/microsoft-graph-types";
import type * as pulumi from "@pulumi/pulumi";
import { type GraphClientFactory, graphClientFromEnvironment } from "../clients/graph";
import { isNotFound } from "../clients/graphError";
import { graphPaths } from "../clients/graphPaths";
import { changedKeys, diffResult, requireStrings } from "../dynamic/support";
import { withStackConfig } from "../dynamic/withStackConfig";

export interface PreferredTokenSigningKeyInputs {
    servicePrincipalId: string;
    thumbprint: string;
    tenantId?: string;
}

/** The one service principal property this resource reads and writes. */
type ServicePrincipalKeyView = Pick<ServicePrincipal, "preferredTokenSigningKeyThumbprint">;

/** Thumbprints are hex; Graph and azuread may differ in case. */
function sameThumbprint(a: string | null | undefined, b: string | null | undefined): boolean {
    return (a ?? "").toUpperCase() === (b ?? "").toUpperCase();
}

export function createProvider(
    clientFor: GraphClientFactory = graphClientFromEnvironment,
): pulumi.dynamic.ResourceProvider<PreferredTokenSigningKeyInputs, PreferredTokenSigningKeyInputs> {
    const activate = (p: PreferredTokenSigningKeyInputs) =>
        clientFor(p.tenantId).patch(
            graphPaths.servicePrincipal(p.servicePrincipalId),
            { preferredTokenSigningKeyThumbprint: p.thumbprint } satisfies ServicePrincipalKeyView,
            // A certificate or service principal created a moment ago may not be visible yet.
            { operation: `activate token signing key ${p.thumbprint} on service principal ${p.servicePrincipalId}`, retryOnNotFound: true },
        );

    return {
        async check(_olds, news) {
            const failures = requireStrings(news, ["servicePrincipalId", "thumbprint"]);
            return { inputs: news, failures };
        },

        async diff(_id, olds: PreferredTokenSigningKeyInputs, news: PreferredTokenSigningKeyInputs) {
            const replaces = changedKeys(olds, news, ["servicePrincipalId", "tenantId"]);
            return diffResult(replaces, sameThumbprint(olds.thumbprint, news.thumbprint) ? [] : ["thumbprint"]);
        },

        async create(inputs: PreferredTokenSigningKeyInputs) {
            await activate(inputs);
            return { id: inputs.servicePrincipalId, outs: inputs };
        },

        async read(id, props?: PreferredTokenSigningKeyInputs) {
            const p = { ...props, servicePrincipalId: props?.servicePrincipalId ?? id } as PreferredTokenSigningKeyInputs;
            let sp: ServicePrincipalKeyView;
            try {
                sp = await clientFor(p.tenantId).get<ServicePrincipalKeyView>(graphPaths.servicePrincipal(p.servicePrincipalId), {
                    operation: `read the active token signing key of service principal ${p.servicePrincipalId}`,
                    query: { $select: "preferredTokenSigningKeyThumbprint" },
                });
            } catch (e) {
                if (isNotFound(e)) return {};
                throw e;
            }
            const live = sp.preferredTokenSigningKeyThumbprint ?? "";
            // Keep the declared spelling when only the case differs, so refresh reports real changes only.
            return { id, props: { ...p, thumbprint: sameThumbprint(live, p.thumbprint) ? p.thumbprint : live } };
        },

        async update(_id, _olds: PreferredTokenSigningKeyInputs, news: PreferredTokenSigningKeyInputs) {
            await activate(news);
            return { outs: news };
        },

        // Leaves the key as it is (see components/1-entra-app/preferredTokenSigningKey.ts): nothing to call.
        async delete() {
            return;
        },
    };
}

export const provider = withStackConfig(createProvider());
