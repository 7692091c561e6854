import { GlacierError } from "../core/errors.js";
import type { Handler } from "./types.js";

/** Temporary: an honest AWS-shaped refusal for operations whose family is not built yet. */
export const notYet =
  (name: string): Handler =>
  async () => {
    throw new GlacierError("UnknownOperationException", `${name} is not supported by this server yet.`);
  };
