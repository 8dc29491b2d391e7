import type * as pulumi from "@pulumi/pulumi";
import * as auth0 from "@pulumi/auth0";
import type { SelfServiceProfileSettings } from "../config/selfService";

/** The profile Auth0 issues self-service tickets from: what the hosted flow looks like and asks the customer's admin. */
export function declareSelfServiceProfile(settings: SelfServiceProfileSettings, opts?: pulumi.CustomResourceOptions): auth0.SelfServiceProfile {
    const { branding } = settings;
    return new auth0.SelfServiceProfile(
        "self-service-profile",
        {
            name: settings.name,
            ...(settings.description !== undefined ? { description: settings.description } : {}),
            ...(branding
                ? {
                      branding: {
                          ...(branding.logoUrl !== undefined ? { logoUrl: branding.logoUrl } : {}),
                          ...(branding.primaryColor !== undefined ? { colors: { primary: branding.primaryColor } } : {}),
                      },
                  }
                : {}),
            ...(settings.allowedStrategies !== undefined ? { allowedStrategies: settings.allowedStrategies } : {}),
            userAttributes: settings.userAttributes.map((a) => ({ name: a.name, description: a.description, isOptional: a.isOptional })),
        },
        opts,
    );
}
