// A dynamic provider whose serialized form is a few hundred bytes: it captures only the implementation's
// project-relative path and loads that module at call time, inside the provider process.
// Why: Pulumi stores the serialized provider in every resource's state; capturing the implementation
// by value would copy the Graph/Auth0 clients into each resource, and capturing credentials would put
// them in state. The provider process runs with the project root as its working directory, so the
// implementation is loaded (through ts-node, as the CLI loads the program) from the checkout that runs
// `pulumi up`, and credentials are read from that process's environment when a method runs.
import * as pulumi from "@pulumi/pulumi";

// One provider object per module: Pulumi caches a dynamic provider's serialization per object, so sharing
// it serializes each provider once per program instead of once per resource (bench/RESULTS.md).
const providers = new Map<string, pulumi.dynamic.ResourceProvider>();

export function lazyProvider(modulePath: string): pulumi.dynamic.ResourceProvider {
    let provider = providers.get(modulePath);
    if (!provider) {
        provider = makeLazyProvider(modulePath);
        providers.set(modulePath, provider);
    }
    return provider;
}

function makeLazyProvider(modulePath: string): pulumi.dynamic.ResourceProvider {
    const load = (): pulumi.dynamic.ResourceProvider => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const req = eval("require") as NodeRequire;
        const path = req("path") as typeof import("path");
        if (!(req.extensions as Record<string, unknown>)[".ts"]) {
            req("ts-node").register({ transpileOnly: true, project: path.join(process.cwd(), "tsconfig.json") });
        }
        const mod = req(path.join(process.cwd(), modulePath));
        return mod.provider as pulumi.dynamic.ResourceProvider;
    };
    return {
        // Hands the stack's provider config (auth0:clientId, ...) to the implementation; never stored in state.
        configure: (req) => { const p = load(); return p.configure ? p.configure(req) : Promise.resolve(); },
        check: (olds, news) => { const p = load(); return p.check ? p.check(olds, news) : Promise.resolve({ inputs: news }); },
        diff: (id, olds, news) => { const p = load(); return p.diff ? p.diff(id, olds, news) : Promise.resolve({}); },
        create: (inputs) => load().create(inputs),
        read: (id, props) => { const p = load(); return p.read ? p.read(id, props) : Promise.resolve({ id, props }); },
        update: (id, olds, news) => { const p = load(); return p.update ? p.update(id, olds, news) : Promise.resolve({}); },
        delete: (id, props) => { const p = load(); return p.delete ? p.delete(id, props) : Promise.resolve(); },
    };
}
