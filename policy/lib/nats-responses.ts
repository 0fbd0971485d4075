// allow_responses lets a user publish once to the reply subject of each request it receives, past
// its publish deny list. The requester names that reply subject, so any user that may send the
// responder a request chooses where the responder publishes: a strategy could make execution
// publish titan.cmd.execution.place.v1 (seen on nats-server 2.9.10). Responders need publish on
// the requesters' inboxes instead.

import { type NatsUser, publishRights, subscribeRights } from "./nats-auth";
import { isNatsMap, type NatsValue } from "./nats-conf";
import { reachableForbiddenSubject } from "./nats-subjects";

/** Is allow_responses on? `true`, a map ({max, expires}) or anything unreadable counts as on. */
export function allowsResponses(permissions: NatsValue | undefined): boolean {
  if (!isNatsMap(permissions)) return false;
  const value = permissions.allow_responses;
  if (value === undefined || value === false) return false;
  return true;
}

export interface ResponseHijack {
  readonly responder: string;
  readonly requester: string;
  /** A request subject the requester may publish and the responder receives. */
  readonly subject: string;
}

/**
 * Each responder (outside `trusted`) with allow_responses that some user outside `trusted`, itself
 * included, may send a request to, with one subject that proves it.
 */
export function responseHijacks(users: readonly NatsUser[], trusted: readonly string[]): ResponseHijack[] {
  const untrusted = users.filter((u) => !trusted.includes(u.name));
  const found: ResponseHijack[] = [];
  for (const responder of untrusted.filter((u) => allowsResponses(u.permissions))) {
    const receives = subscribeRights(responder.permissions);
    for (const requester of untrusted) {
      const subject = reachableForbiddenSubject(
        publishRights(requester.permissions),
        receives.allow,
        receives.deny,
      );
      if (subject === undefined) continue;
      found.push({ responder: responder.name, requester: requester.name, subject });
      break;
    }
  }
  return found;
}
