// Lambda's quotas that the local stand-ins enforce, in one place (AWS Lambda Developer Guide, "Lambda quotas").

/**
 * A synchronous invocation's payload, each way: the event a request becomes (API Gateway → Lambda) and the
 * result the function returns, after base64 for binary bodies. 6 MB.
 */
export const INVOCATION_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
