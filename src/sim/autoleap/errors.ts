import type { SimResponse } from "../common/server.js"

/** Thrown inside handlers and turned into AutoLeap's error envelope by the route wrapper. */
export class AutoleapHttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export const errorResponse = (status: number, message: string): SimResponse => ({
  status,
  body: { success: false, error: message }
})

export const badRequest = (message: string): never => {
  throw new AutoleapHttpError(400, message)
}
