// The provider text Pulumi stores with every dynamic resource of this package (the `__provider` property).
// Pulumi's dynamic-provider host loads that text as a CommonJS module (require-from-string) and calls its
// `handler()` to get the provider. Pulumi would otherwise serialize a closure (about 3 KB, kept twice per
// resource); this is a short loader that names the implementation module instead, so state holds no code, no
// clients and no credentials.
//
// Where the provider process runs: its working directory is the directory of Pulumi.yaml, or of its `main:`
// (pulumi/pulumi pkg/resource/provider_plugin.go, the plugin's working directory). Like Pulumi's own launcher, which resolves @pulumi/pulumi from
// that directory, the loader resolves this package by name from there: `node_modules/auth0-entra-scim` in a
// project that installed it, else the checkout of this package that contains the directory (its source, or a
// compiled deployment with `main: dist/index.js`). It then loads the compiled JavaScript (`dist/...js`) or the
// TypeScript source through ts-node, preferring what the program itself ran: a compiled program stores the
// "js" text and needs neither ts-node nor a tsconfig at run time; a program run from source stores the "ts"
// text, so a stale build never shadows the source. Either falls back to the other when its file is absent.
//
// Contract with stored state: resources are read, updated and deleted by the text stored with them. Texts
// written before this package layout name `components/providers/<x>Provider` (project-relative, through
// ts-node): those paths are kept as re-exports (components/providers/). Module paths below may only move
// with a re-export left behind.

/** Package-relative paths (no extension) of the implementations, each a module exporting `provider`. */
export const PROVIDER_MODULES = {
    ScimToken: "components/2-auth0-connection/scimTokenProvider",
    SynchronizationSchema: "components/3-entra-provisioning/synchronizationSchemaProvider",
    PreferredTokenSigningKey: "components/1-entra-app/preferredTokenSigningKeyProvider",
    ProvisioningStatus: "components/3-entra-provisioning/provisioningStatusProvider",
    ProvisionOnDemand: "components/3-entra-provisioning/provisionOnDemandProvider",
} as const;

/** The package name the loader resolves from the provider process's working directory. */
export const PACKAGE_NAME = "auth0-entra-scim";

/** The package file that loads an implementation (plain JavaScript; see its header). */
export const LOADER_MODULE = "components/dynamic/loader.js";

/** What the program itself was loaded as, and so what the provider loads first. */
export type ProviderFlavour = "js" | "ts";

const SAFE_PATH = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_.-]+)*$/;

/** "js" when this module runs compiled (the program is a build), "ts" when it runs from source. */
export function currentFlavour(): ProviderFlavour {
    return __filename.endsWith(".js") ? "js" : "ts";
}

/**
 * The module text for `__provider`: finds the package from the provider process's cwd and hands `modulePath`
 * (package-relative, no extension) to its loader, which returns the implementation's `provider` export.
 */
export function providerModuleText(modulePath: string, flavour: ProviderFlavour = currentFlavour()): string {
    if (!SAFE_PATH.test(modulePath) || modulePath.split("/").includes("..")) {
        throw new Error(`provider module path "${modulePath}" must be package-relative, like components/dynamic/x`);
    }
    const name = JSON.stringify(PACKAGE_NAME);
    // Short and ES5: it is stored twice per resource and evaluated by whatever Node.js runs the host.
    return [
        `// ${PACKAGE_NAME} dynamic provider (components/dynamic/providerText.ts)`,
        `exports.handler = function () {`,
        `  var p = require("path"), c = process.cwd(), r, d = c;`,
        `  try { r = p.dirname(require.resolve(${JSON.stringify(`${PACKAGE_NAME}/package.json`)}, { paths: [c] })); } catch (e) {`,
        `    for (; !r; d = p.dirname(d)) { try { if (require(p.join(d, "package.json")).name === ${name}) r = d; } catch (e) {}`,
        `      if (!r && d === p.dirname(d)) throw new Error(${JSON.stringify(`npm install ${PACKAGE_NAME}: not found from `)} + c); }`,
        `  }`,
        `  return require(p.join(r, ${JSON.stringify(LOADER_MODULE)})).load(r, ${JSON.stringify(modulePath)}, ${JSON.stringify(flavour)});`,
        `};`,
        "",
    ].join("\n");
}
