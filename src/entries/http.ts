/**
 * `safety-breaker/http`: safety-breaker errors as HTTP answers for any framework (Koa, Hono,
 * `node:http`, …): `problemFor(error)` gives the status, headers (`Retry-After`) and
 * `application/problem+json` body. `safety-breaker/express` and `safety-breaker/fastify` use it.
 */
export {
  problemFor,
  retryAfterSeconds,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  type ProblemResponse,
} from '../integrations/problem.js';
