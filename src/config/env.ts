import { Config, ConfigError, Either } from "effect"

/** A base URL: must parse, http or https; a trailing slash is dropped so paths join cleanly. */
export const baseUrlConfig = (name: string, fallback: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.withDefault(fallback),
    Config.mapOrFail((value) => {
      const trimmed = value.trim().replace(/\/+$/, "")
      try {
        const url = new URL(trimmed)
        if (url.protocol === "http:" || url.protocol === "https:") return Either.right(trimmed)
      } catch {
        // fall through to the error below
      }
      return Either.left(ConfigError.InvalidData([name], `${name}: "${value}" is not an http(s) URL`))
    })
  )

/** A variable parsed by `parse`, whose Left message is prefixed with the variable's name. */
export const parsedConfig = <A>(name: string, parse: (text: string) => Either.Either<A, string>): Config.Config<A> =>
  Config.string(name).pipe(
    Config.mapOrFail((text) => Either.mapLeft(parse(text), (problem) => ConfigError.InvalidData([name], `${name}: ${problem}`)))
  )

/** A required, non-blank string. */
export const requiredString = (name: string): Config.Config<string> =>
  Config.string(name).pipe(
    Config.mapOrFail((value) =>
      value.trim().length > 0 ? Either.right(value.trim()) : Either.left(ConfigError.InvalidData([name], `${name} is empty`))
    )
  )
