// The retrieve endpoint's query, checked as FastAPI checks `stream: bool = False` and
// `starting_after: int = Query(0, ge=0)`: a value it cannot read is a 422 listing every bad parameter.

import { jsonResponse } from "../errors";

export interface RetrieveQuery {
  stream: boolean;
  startingAfter: number;
}

interface QueryProblem {
  type: string;
  loc: ["query", string];
  msg: string;
  input: string;
  ctx?: Record<string, unknown>;
}

const TRUE = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE = new Set(["0", "off", "f", "false", "n", "no"]);

export function parseRetrieveQuery(params: URLSearchParams): RetrieveQuery | Response {
  const problems: QueryProblem[] = [];
  let stream = false;
  const rawStream = params.get("stream");
  if (rawStream !== null) {
    const word = rawStream.trim().toLowerCase();
    if (TRUE.has(word)) stream = true;
    else if (!FALSE.has(word))
      problems.push({
        type: "bool_parsing",
        loc: ["query", "stream"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: rawStream,
      });
  }
  let startingAfter = 0;
  const rawCursor = params.get("starting_after");
  if (rawCursor !== null) {
    if (!/^\s*[+-]?\d+\s*$/.test(rawCursor)) {
      problems.push({
        type: "int_parsing",
        loc: ["query", "starting_after"],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: rawCursor,
      });
    } else if (Number(rawCursor) < 0) {
      problems.push({
        type: "greater_than_equal",
        loc: ["query", "starting_after"],
        msg: "Input should be greater than or equal to 0",
        input: rawCursor,
        ctx: { ge: 0 },
      });
    } else {
      startingAfter = Number(rawCursor);
    }
  }
  return problems.length > 0 ? jsonResponse(422, { detail: problems }) : { stream, startingAfter };
}
