// The provider text Pulumi stores with every dynamic resource of this project (the `__provider` property).
// Pulumi's dynamic-provider host loads that text as a CommonJS module (require-from-string) and calls its
// `handler()` to get the provider. Pulumi would otherwise produce it by serializing a closure, about 3 KB per
// provider, kept twice (inputs and outputs) in every resource's state; this one is a short loader instead.
// It names the implementation by project-relative path and loads it from the checkout that runs `pulumi up`
// (the provider process's working directory is the project root), so state holds no code, no clients and no
// credentials: those are read from that process's environment and provider config when a method runs.
// The host caches providers by this text, so each implementation is loaded and configured once per process.
// Contract with every existing state: resources are read, updated and deleted by the text stored with them, which
// names these paths and the `provider` export (older closure texts require the same modules). Renaming or moving
// one strands those resources; keep a re-exporting module at the old path if one must move.

/** Project-relative paths of the implementations, each a module exporting `provider`. */
export const PROVIDER_MODULES = {
    ScimToken: "components/providers/scimTokenProvider",
    SynchronizationSchema: "components/providers/synchronizationSchemaProvider",
    PreferredTokenSigningKey: "components/providers/preferredTokenSigningKeyProvider",
    ProvisioningStatus: "components/providers/provisioningStatusProvider",
} as const;

const SAFE_PATH = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_.-]+)*$/;

/**
 * The module text for `__provider`: loads `modulePath` (project-relative, no extension) through ts-node when the
 * host has no TypeScript loader yet, and returns its `provider` export.
 */
export function providerModuleText(modulePath: string): string {
    if (!SAFE_PATH.test(modulePath) || modulePath.split("/").includes("..")) {
        throw new Error(`provider module path "${modulePath}" must be project-relative, like components/providers/x`);
    }
    return [
        `// auth0-entra-scim dynamic provider (components/providers/shim.ts)`,
        `exports.handler = function () {`,
        `  var path = require("path"), root = process.cwd();`,
        `  if (!require.extensions[".ts"]) require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });`,
        `  return require(path.join(root, ${JSON.stringify(modulePath)})).provider;`,
        `};`,
        "",
    ].join("\n");
}
