// The error a managed-identity token request ends with, and the advice each failure gets.

/** Fields of a token endpoint's error body, `{"error": ..., "error_description": ...}`. */
export interface EndpointErrorBody {
  error?: string;
  errorDescription?: string;
}

/** The cause of a failed token request. */
export type ManagedIdentityFailure =
  | { kind: 'status'; statusCode: number; body: EndpointErrorBody; attempts: number; arcKeyFile?: string }
  | { kind: 'network'; cause: unknown; attempts: number }
  | { kind: 'invalid-response'; statusCode: number; detail: string }
  | { kind: 'arc-key'; statusCode: number; keyFile: string; problem: string; rule: string };

/**
 * A token request that failed. Carries the endpoint's own error text but never a token.
 * `statusCode` is undefined when no HTTP response arrived.
 */
export class ManagedIdentityError extends Error {
  override name = 'ManagedIdentityError';
  readonly endpoint: string;
  readonly resource: string;
  readonly statusCode: number | undefined;
  /** The endpoint's `error` field, e.g. `invalid_request`. */
  readonly errorCode: string | undefined;

  constructor(
    fields: { endpoint: string; resource: string; clientId?: string; failure: ManagedIdentityFailure },
    options?: ErrorOptions,
  ) {
    super(describeFailure(fields), options);
    this.endpoint = fields.endpoint;
    this.resource = fields.resource;
    const { failure } = fields;
    this.statusCode = failure.kind === 'network' ? undefined : failure.statusCode;
    this.errorCode = failure.kind === 'status' ? failure.body.error : undefined;
  }
}

/** Strips control characters and cuts long text, so a hostile endpoint cannot flood the log. */
function cleanEndpointText(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain;
}

function describeFailure(fields: { endpoint: string; resource: string; clientId?: string; failure: ManagedIdentityFailure }): string {
  const { endpoint, resource, clientId, failure } = fields;
  const target = `managed identity endpoint ${endpoint} (resource ${resource})`;

  if (failure.kind === 'network') {
    const reason = failure.cause instanceof Error ? failure.cause.message : String(failure.cause);
    return `Could not reach the ${target} after ${failure.attempts} attempt(s): ${cleanEndpointText(reason)}. ` +
      'Check authenticationSettings.msiEndpoint, and that the endpoint is reachable without a proxy.';
  }
  if (failure.kind === 'arc-key') {
    return `The ${target} sent an Azure Arc challenge naming the key file '${cleanEndpointText(failure.keyFile)}', ` +
      `which kvcert did not use: ${failure.problem}. ${failure.rule}. ` +
      'Check that authenticationSettings.msiEndpoint is the Azure Connected Machine agent (http://localhost:40342/metadata/identity/oauth2/token).';
  }
  if (failure.kind === 'invalid-response') {
    return `The ${target} returned ${failure.statusCode} with an invalid token response: ${failure.detail}. ` +
      'Check that authenticationSettings.msiEndpoint points to a managed-identity token endpoint.';
  }

  const { error, errorDescription } = failure.body;
  const text = [error, errorDescription].filter((part) => part).map((part) => cleanEndpointText(part!)).join(': ');
  const returned = `The ${target} returned ${failure.statusCode}${text ? ` (${text})` : ''}`;
  if (failure.statusCode === 401 && failure.arcKeyFile) {
    return `${returned} to the Azure Arc key read from '${cleanEndpointText(failure.arcKeyFile)}'. ` +
      'Check that the Azure Connected Machine agent is running (azcmagent show). kvcert does not retry this error.';
  }
  return `${returned}. ${adviceFor(failure.statusCode, failure.body, resource, clientId, failure.attempts)}`;
}

function adviceFor(statusCode: number, body: EndpointErrorBody, resource: string, clientId: string | undefined, attempts: number): string {
  const text = `${body.error ?? ''} ${body.errorDescription ?? ''}`.toLowerCase();

  if (statusCode === 400 && text.includes('identity not found')) {
    return clientId
      ? `Check authenticationSettings.msiClientId '${clientId}': it must be the client id of a user-assigned identity assigned to this machine.`
      : 'Assign a managed identity to this machine, or set authenticationSettings.msiClientId to the client id of one of its user-assigned identities.';
  }
  if (statusCode === 400 && (text.includes('bad_request_102') || text.includes('metadata'))) {
    return 'Check that authenticationSettings.msiEndpoint points to the managed-identity token endpoint (…/metadata/identity/oauth2/token).';
  }
  if (statusCode === 400 && text.includes('invalid_resource')) {
    return `Entra ID does not know the resource '${resource}'. Check the cloud of the vault URL.`;
  }
  if (statusCode === 400 || statusCode === 401 || statusCode === 403) {
    return 'Check authenticationSettings.msiEndpoint and msiClientId. kvcert does not retry this error.';
  }
  return `Gave up after ${attempts} attempt(s); the endpoint may be updating. kvcert tries again on the next poll.`;
}
