// Base class of this project's custom resources that Pulumi's Node.js dynamic-provider host implements.
// Registers exactly what pulumi.dynamic.Resource registers (type pulumi-nodejs:dynamic/<module>:<Type>, the inputs,
// and `__provider`), but `__provider` is the short loader of providerText.ts rather than a serialized closure:
// smaller state, and no closure serialization while the program runs.
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_MODULES, providerModuleText } from "./providerText";

export type DynamicResourceType = keyof typeof PROVIDER_MODULES;

/** The type token Pulumi's dynamic provider answers to, as pulumi.dynamic.Resource would build it. */
export function dynamicTypeToken(type: DynamicResourceType): string {
    return `pulumi-nodejs:dynamic/auth0-entra-scim:${type}`;
}

const texts = new Map<DynamicResourceType, string>();

export abstract class DynamicResource extends pulumi.CustomResource {
    protected constructor(type: DynamicResourceType, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        if ("__provider" in props) throw new Error(`${type} ${name}: inputs must not define __provider`);
        let text = texts.get(type);
        if (text === undefined) {
            text = providerModuleText(PROVIDER_MODULES[type]);
            texts.set(type, text);
        }
        super(dynamicTypeToken(type), name, { ...props, __provider: text }, opts);
    }
}
