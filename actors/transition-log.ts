// Logs each certificate actor's state changes once, from xstate's inspection events.
import type { InspectionEvent } from 'xstate';
import type { CertificateContext } from '../machines/certificate-types.ts';
import { retryDelayMs } from '../machines/backoff.ts';
import type { Logger } from './logger.ts';

interface InspectedSnapshot { value?: unknown; context?: Partial<CertificateContext> }

function isCertificateContext(context: unknown): context is CertificateContext {
  return typeof context === 'object' && context !== null && 'url' in context && 'attempt' in context;
}

/** Returns an inspect callback that logs certificate transitions to `logger`. */
export function createTransitionLog(logger: Logger): (event: InspectionEvent) => void {
  const previous = new Map<string, string>();

  return (event) => {
    if (event.type !== '@xstate.snapshot') return;
    const snapshot = event.snapshot as InspectedSnapshot;
    if (!isCertificateContext(snapshot.context) || typeof snapshot.value !== 'string') return;

    const key = event.actorRef.sessionId;
    const state = snapshot.value;
    const previousState = previous.get(key);
    if (previousState === state) return;
    previous.set(key, state);
    logTransition(logger, snapshot.context, state, previousState);
  };
}

function logTransition(logger: Logger, context: CertificateContext, state: string, previousState: string | undefined): void {
  const fields = {
    certificateUrl: context.url,
    state,
    previousState,
    version: context.candidate?.version ?? context.installed?.version,
    thumbprint: context.candidate?.thumbprint ?? context.installed?.thumbprint,
  };

  if (state === 'errorBackoff') {
    const delayMs = retryDelayMs(context);
    logger.info('certificate.retry_scheduled', { ...fields, attempt: context.attempt, delayMs, reason: context.lastError?.reason, message: context.lastError?.message });
  } else if (state === 'fetching') {
    logger.debug('certificate.polling', fields);
  } else if (state === 'idle' && previousState === 'linked') {
    logger.info('certificate.installed', fields);
    // Expired, not yet valid or mislabelled certificates are installed all the same, with a warning.
    if (context.warnings.length > 0) logger.warn('certificate.warning', { ...fields, warnings: context.warnings });
  } else {
    logger.debug('certificate.state_changed', fields);
  }
}
