// Loads one dynamic provider implementation of this package inside Pulumi's dynamic-provider host. Called by the
// short `__provider` text every dynamic resource stores (providerText.ts), once that text has found the package
// root. Plain JavaScript, shipped as is: it must run before any TypeScript loader exists.
// Contract with stored state: `load(root, modulePath, flavour)` keeps this signature.

var path = require("node:path");
var fs = require("node:fs");

/**
 * root: the package root; modulePath: package-relative, no extension; flavour: what the program ran ("js" for a
 * build, "ts" for source). The build is `dist/<modulePath>.js`; the source `<modulePath>.ts` runs through the
 * package's ts-node and tsconfig.json. The flavour the program ran is tried first, the other if it is absent.
 */
exports.load = function load(root, modulePath, flavour) {
    var js = path.join(root, "dist", `${modulePath}.js`);
    var ts = path.join(root, `${modulePath}.ts`);
    var useTs = flavour === "ts" ? fs.existsSync(ts) || !fs.existsSync(js) : !fs.existsSync(js) && fs.existsSync(ts);
    if (useTs && !require.extensions[".ts"]) {
        require(require.resolve("ts-node", { paths: [root] })).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    }
    return require(useTs ? ts : js).provider;
};
