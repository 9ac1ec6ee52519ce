// A client of the demo typed by its OpenAPI document (openapi-typescript + openapi-fetch).
// Every problem is narrowed by its `status`, without a cast, under `tsc --strict`.
//
//   npm ci
//   curl -s -H 'Accept: application/vnd.oai.openapi' http://127.0.0.1:8000/api/schema/ > schema.yaml
//   npm run generate && npm run build && npm start -- http://127.0.0.1:8000
import createClient from "openapi-fetch";

import type { components, paths } from "./schema.js";

type Article = components["schemas"]["Article"];

const base = process.argv[2] ?? "http://127.0.0.1:8000";
const alice = `Basic ${Buffer.from("alice:alice-password").toString("base64")}`;
const client = createClient<paths>({ baseUrl: base, headers: { Authorization: alice } });

/** What a PATCH answered: the new ETag, or what its problem says to do. */
async function patch(id: number, title: string, ifMatch?: string): Promise<string> {
  const { data, error } = await client.PATCH("/api/articles/{id}/", {
    params: { path: { id }, header: ifMatch === undefined ? {} : { "If-Match": ifMatch } },
    body: { title },
  });
  if (data !== undefined) {
    return `200 ${data.etag}`;
  }
  switch (error.status) {
    case 400: // ValidationProblem: each invalid member, by JSON Pointer
      return `400 ${error.errors?.map((e) => `${e.pointer} ${e.code}`).join(", ")}`;
    case 412: // PreconditionFailedProblem: the ETag to fetch again
      return `412 ${error.etag ?? "gone"}`;
    case 428: // PreconditionRequiredProblem: the headers that make the write conditional
      return `428 ${error.required_headers.join(" or ")}`;
    default:
      return `${error.status} ${error.code}`;
  }
}

async function create(title: string): Promise<Article> {
  const { data, error } = await client.POST("/api/articles/", { body: { title } });
  if (error !== undefined) {
    throw new Error(`${error.status} ${error.code}: ${error.detail}`);
  }
  return data;
}

const article = await create("Typed");
const answers = {
  invalid: await patch(article.id, "", article.etag),
  stale: await patch(article.id, "Changed", '"stale"'),
  unguarded: await patch(article.id, "Changed"),
  changed: await patch(article.id, "Changed", article.etag),
};
console.log(JSON.stringify({ etag: article.etag, ...answers }));
