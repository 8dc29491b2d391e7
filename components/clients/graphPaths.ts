// The Graph paths the custom resources and the post-deploy check call, built from ids that may hold reserved
// characters.

/** Path segment for ids that may hold dots or other reserved characters (job ids: `scim.<tenant>.<guid>`). */
export function seg(id: string): string {
    return encodeURIComponent(id);
}

/** Paths the resources and the post-deploy check share. */
export const graphPaths = {
    servicePrincipal: (spId: string) => `/servicePrincipals/${seg(spId)}`,
    job: (spId: string, jobId: string) => `/servicePrincipals/${seg(spId)}/synchronization/jobs/${seg(jobId)}`,
    jobAction: (spId: string, jobId: string, action: "start" | "pause" | "restart" | "validateCredentials" | "provisionOnDemand") =>
        `/servicePrincipals/${seg(spId)}/synchronization/jobs/${seg(jobId)}/${action}`,
    schema: (spId: string, jobId: string) => `/servicePrincipals/${seg(spId)}/synchronization/jobs/${seg(jobId)}/schema`,
    secrets: (spId: string) => `/servicePrincipals/${seg(spId)}/synchronization/secrets`,
};
