// Test helper: a graphql-ws client stand-in that records what is subscribed and lets the test
// play the server. Only tests import it.
import type { FormattedExecutionResult, Sink, SubscribePayload } from "graphql-ws/client";

import type { LiveClient } from "../live/live-client";

interface FakeSubscription {
  /** The payload as sent: its variables are read once, when subscribed, as graphql-ws does. */
  payload: SubscribePayload;
  sink: Sink<FormattedExecutionResult<unknown>>;
  active: boolean;
}

export function createFakeLiveClient() {
  const subscriptions: FakeSubscription[] = [];
  const client: LiveClient = {
    subscribe<TData>(
      payload: SubscribePayload,
      sink: Sink<FormattedExecutionResult<TData, unknown>>,
    ) {
      const subscription: FakeSubscription = {
        payload: { ...payload },
        sink: sink as Sink<FormattedExecutionResult<unknown>>,
        active: true,
      };
      subscriptions.push(subscription);
      return () => {
        subscription.active = false;
      };
    },
  };

  /** The subscriptions of the operation named `name` (e.g. "BuildLog"), oldest first. */
  const of = (name: string) =>
    subscriptions.filter((subscription) =>
      subscription.payload.query.includes(`subscription ${name}(`),
    );

  /** The newest still-subscribed subscription of `name`. */
  const active = (name: string): FakeSubscription => {
    const subscription = of(name).findLast((candidate) => candidate.active);
    if (!subscription) throw new Error(`nothing subscribed to ${name}`);
    return subscription;
  };

  return { client, subscriptions, of, active };
}
