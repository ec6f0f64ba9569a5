// Checks JSON the emulator sends against OpenAI's published schemas (responses.json beside this file, see
// README.md). For tests only: Ajv is a development dependency.

import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020";

const DOCUMENT_ID = "openai-responses";
const document = JSON.parse(readFileSync(new URL("./responses.json", import.meta.url), "utf8")) as {
  $defs: Record<string, { anyOf?: Array<{ $ref: string }> }>;
};

// Unknown keywords and formats are errors (a keyword Ajv skipped would check nothing); Ajv's lints of how a
// schema is written (a `required` name declared in another `allOf` branch, unions without a `type`) are off:
// that is how OpenAI writes them, and they validate as written.
const ajv = new Ajv2020({
  allErrors: true,
  strictSchema: true,
  strictNumbers: true,
  strictRequired: false,
  strictTypes: false,
  strictTuples: false,
});
ajv.addFormat("unixtime", {
  type: "number",
  validate: (value: number) => Number.isInteger(value) && value >= 0,
});
ajv.addFormat("float", { type: "number", validate: () => true });
ajv.addFormat("uri", (value: string) => URL.canParse(value));
ajv.addSchema(document, DOCUMENT_ID);

function schema(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${DOCUMENT_ID}#/$defs/${name}`);
  if (!validate) throw new Error(`responses.json has no schema '${name}'.`);
  return validate;
}

/** Every event of the union, by its `type`: an event is checked against its own schema, for readable errors. */
const EVENT_SCHEMAS = new Map<string, string>(
  (document.$defs.ResponseStreamEvent?.anyOf ?? []).map(({ $ref }) => {
    const name = $ref.split("/").at(-1) ?? "";
    const type = (document.$defs[name] as { properties?: { type?: { enum?: string[] } } }).properties?.type
      ?.enum?.[0];
    if (!type) throw new Error(`The event schema '${name}' names no type.`);
    return [type, name];
  }),
);

function messages(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`);
}

/** What is wrong with a Response object (a create, retrieve or cancel body); empty when it conforms. */
export function responseErrors(body: unknown): string[] {
  const validate = schema("Response");
  return validate(body) ? [] : messages(validate.errors);
}

/** What is wrong with one streaming event; an event type outside the published union is wrong too. */
export function streamEventErrors(event: { type: string }): string[] {
  const name = EVENT_SCHEMAS.get(event.type);
  if (!name) return [`/type '${event.type}' is not a Responses streaming event`];
  const validate = schema(name);
  return validate(event) ? [] : messages(validate.errors);
}
