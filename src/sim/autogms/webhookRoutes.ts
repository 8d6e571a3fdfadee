import type { Route, SimRequest, SimResponse } from "../common/server.js"
import { parseListQuery } from "./listing.js"
import * as R from "./responses.js"
import type { AutogmsSeedGarage } from "./types.js"
import { deliveryWire, subscriptionWire, validateSubscription, type WebhookDispatcher } from "./webhooks.js"

/** makeRoutes' guard: auth, rate limit, permission (writes) and garage scope, then the handler. */
export type GarageGuard = (
  write: boolean,
  handler: (call: { readonly req: SimRequest; readonly garage: AutogmsSeedGarage }) => SimResponse
) => (req: SimRequest) => SimResponse

const page = <A>(items: ReadonlyArray<A>, query: URLSearchParams): SimResponse => {
  const parsed = parseListQuery(query)
  if ("issues" in parsed) return R.validationError(parsed.issues, "Invalid query parameters")
  const { page, limit } = parsed.query
  const totalPages = Math.ceil(items.length / limit)
  return R.okList(items.slice((page - 1) * limit, page * limit), { page, limit, total: items.length, totalPages, hasMore: page < totalPages })
}

/** `GET|POST /garages/{gid}/webhooks`, `PATCH|DELETE …/{wid}`, `POST …/{wid}/test`, `GET …/{wid}/deliveries`. */
export const webhookRoutes = (guard: GarageGuard, webhooks: WebhookDispatcher): ReadonlyArray<Route> => {
  const withSubscription =
    (write: boolean, handler: (call: { req: SimRequest; garage: AutogmsSeedGarage; subscription: NonNullable<ReturnType<WebhookDispatcher["find"]>> }) => SimResponse) =>
      guard(write, ({ req, garage }) => {
        const subscription = webhooks.find(garage.id, req.params["webhookId"]!)
        return subscription === undefined ? R.notFound("Webhook") : handler({ req, garage, subscription })
      })

  return [
    {
      method: "GET",
      pattern: "/garages/:garageId/webhooks",
      handler: guard(false, ({ req, garage }) => page(webhooks.inGarage(garage.id).map(subscriptionWire), req.query))
    },
    {
      method: "POST",
      pattern: "/garages/:garageId/webhooks",
      handler: guard(true, ({ req, garage }) => {
        const checked = validateSubscription(req.body, false)
        if ("issues" in checked) return R.validationError(checked.issues)
        const created = webhooks.create(garage.id, checked.fields)
        // A secret the server generated is shown once, here; one the caller chose is never echoed.
        return R.ok({ ...subscriptionWire(created), ...(checked.fields.secret === undefined ? { secret: created.secret } : {}) }, 201)
      })
    },
    {
      method: "PATCH",
      pattern: "/garages/:garageId/webhooks/:webhookId",
      handler: withSubscription(true, ({ req, subscription }) => {
        const checked = validateSubscription(req.body, true)
        if ("issues" in checked) return R.validationError(checked.issues)
        return R.ok(subscriptionWire(webhooks.update(subscription, checked.fields)))
      })
    },
    {
      method: "DELETE",
      pattern: "/garages/:garageId/webhooks/:webhookId",
      handler: withSubscription(true, ({ subscription }) => {
        webhooks.remove(subscription.id)
        return R.ok({ id: subscription.id, deleted: true })
      })
    },
    {
      method: "POST",
      pattern: "/garages/:garageId/webhooks/:webhookId/test",
      handler: withSubscription(true, ({ subscription }) => R.ok(deliveryWire(webhooks.test(subscription)), 202))
    },
    {
      method: "GET",
      pattern: "/garages/:garageId/webhooks/:webhookId/deliveries",
      handler: withSubscription(false, ({ req, subscription }) =>
        // Newest first, as a delivery log is read.
        page(webhooks.deliveries.filter((d) => d.webhookId === subscription.id).reverse().map(deliveryWire), req.query)
      )
    }
  ]
}
