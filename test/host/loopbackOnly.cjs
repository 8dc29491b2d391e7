// Preloaded into the dynamic-provider host by the host tests (NODE_OPTIONS=--require): the provider code runs
// unchanged, but its HTTP goes to the local stand-ins. https://<AUTH0_STAND_IN_FOR> is sent to AUTH0_STAND_IN_ORIGIN
// (the Auth0 stand-in; the Graph client has its own AUTH0_ENTRA_SCIM_GRAPH_URL), and anything not on 127.0.0.1
// is refused, so no test can reach a real tenant.
"use strict";
const realFetch = globalThis.fetch;
const domain = process.env.AUTH0_STAND_IN_FOR;
const standIn = process.env.AUTH0_STAND_IN_ORIGIN;
globalThis.fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const from = domain ? `https://${domain}` : undefined;
    const target = from && standIn && url.startsWith(from) ? standIn + url.slice(from.length) : url;
    if (new URL(target).hostname !== "127.0.0.1") return Promise.reject(new Error(`host test: refused a request to ${new URL(target).origin}`));
    if (typeof input === "object" && !(input instanceof URL)) return realFetch(new Request(target, input), init);
    return realFetch(target, init);
};
