// The one place where the stack config reaches the API clients. Pulumi's Node.js dynamic-provider host calls a
// provider's configure() once per provider text, with a Config over the args of the engine's Configure call: for
// the `pulumi-nodejs` provider the engine sends the whole stack config, keys with their namespace
// (`azuread:clientId`, `auth0:clientSecret`), secrets decrypted and unwrapped by the host
// (pulumi/pulumi pkg/resource/deploy/target.go GetPackageConfig; cmd/dynamic-provider/index.js configure and
// getProvider). All five providers run in one process, so the config is kept process-wide, in memory only: it is
// never an input, an output or part of the stored provider text.
import type * as pulumi from "@pulumi/pulumi";
import { setStackConfig } from "../clients/credentials/settings";

/** The provider, with a configure() that keeps the delivered stack config for the clients, then runs its own. */
export function withStackConfig<I, O>(provider: pulumi.dynamic.ResourceProvider<I, O>): pulumi.dynamic.ResourceProvider<I, O> {
    const own = provider.configure?.bind(provider);
    return {
        ...provider,
        async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
            setStackConfig(req.config);
            if (own) await own(req);
        },
    };
}
