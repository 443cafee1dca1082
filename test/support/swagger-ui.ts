// What Swagger UI 5 sends for "Try it out" → "Execute" when nothing is edited, rebuilt from the
// OpenAPI document: each parameter's first example (else its schema's example or default), the
// first request body example of the first media type, Accept from the first 2xx response, and
// the token headers of "Authorize" (swagger-client's applySecurities: every authorized scheme
// named in any requirement of the operation is sent).

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
  schema?: { example?: unknown; default?: unknown; type?: string; format?: string };
}

export interface OpenApiMediaType {
  schema?: { example?: unknown; type?: string; format?: string; $ref?: string };
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, { description?: string; content?: Record<string, OpenApiMediaType> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }>;
    schemas: Record<string, unknown>;
  };
}

export interface DocumentedOperation {
  path: string;
  method: string;
  operation: OpenApiOperation;
}

export interface SwaggerRequest {
  /** `POST /todo/clone [seed]`: the operation and the body example it uses. */
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** The 2xx statuses the operation documents. */
  expected: number[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** The value Swagger UI puts in a parameter's field before anyone types. */
export function initialParameterValue(parameter: OpenApiParameter): string | undefined {
  const first = parameter.examples ? Object.values(parameter.examples)[0]?.value : undefined;
  const value = [first, parameter.example, parameter.schema?.example, parameter.schema?.default].find(
    (v) => v !== undefined,
  );
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The request body examples Swagger UI offers, by name (an unnamed example is `default`). */
export function bodyExamples(operation: OpenApiOperation): {
  mediaType: string;
  examples: Array<{ name: string; value: unknown }>;
} | null {
  const content = operation.requestBody?.content;
  if (!content) return null;
  const [mediaType, media] = Object.entries(content)[0];
  if (media.examples) {
    return {
      mediaType,
      examples: Object.entries(media.examples).map(([name, e]) => ({ name, value: e.value })),
    };
  }
  const single = media.example ?? media.schema?.example;
  return { mediaType, examples: single === undefined ? [] : [{ name: 'default', value: single }] };
}

export function isBinaryBody(operation: OpenApiOperation): boolean {
  const media = Object.values(operation.requestBody?.content ?? {})[0];
  return media?.schema?.type === 'string' && media.schema.format === 'binary';
}

/** The token headers Swagger UI adds once the given schemes are authorized with these values. */
export function authorizationHeaders(
  document: OpenApiDocument,
  operation: OpenApiOperation,
  authorized: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const requirement of operation.security ?? []) {
    for (const name of Object.keys(requirement)) {
      const value = authorized[name];
      const scheme = document.components.securitySchemes[name];
      if (value === undefined || !scheme) continue;
      if (scheme.type === 'apiKey' && scheme.in === 'header') headers[scheme.name!] = value;
      if (scheme.type === 'http' && /^bearer$/i.test(scheme.scheme ?? '')) {
        headers.Authorization = `Bearer ${value}`;
      }
    }
  }
  return headers;
}

/** One request per body example (one request when the operation takes no body). */
export function swaggerRequests(
  document: OpenApiDocument,
  { path, method, operation }: DocumentedOperation,
  authorized: Record<string, string>,
): SwaggerRequest[] {
  let url = path;
  const query: string[] = [];
  const headers: Record<string, string> = { ...authorizationHeaders(document, operation, authorized) };
  for (const parameter of operation.parameters ?? []) {
    const value = initialParameterValue(parameter);
    if (value === undefined || value === '') continue;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
    if (parameter.in === 'query')
      query.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(value)}`);
    if (parameter.in === 'header') headers[parameter.name] = value;
  }
  if (query.length) url += `?${query.join('&')}`;
  const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
  const accept = success.map(([, r]) => Object.keys(r.content ?? {})[0]).find(Boolean);
  headers.Accept = accept ?? '*/*';
  const expected = success.map(([status]) => Number(status));
  const label = `${method.toUpperCase()} ${path}`;

  const body = bodyExamples(operation);
  if (!body) return [{ label, method: method.toUpperCase(), url, headers, expected }];
  if (isBinaryBody(operation)) {
    // Swagger UI asks for a file here; any file will do.
    return [
      {
        label: `${label} [a file]`,
        method: method.toUpperCase(),
        url,
        headers: { ...headers, 'Content-Type': body.mediaType },
        payload: Buffer.from('hello\n'),
        expected,
      },
    ];
  }
  return body.examples.map((example) => ({
    label: `${label} [${example.name}]`,
    method: method.toUpperCase(),
    url,
    headers: { ...headers, 'Content-Type': body.mediaType },
    payload: typeof example.value === 'string' ? example.value : JSON.stringify(example.value, null, 2),
    expected,
  }));
}
