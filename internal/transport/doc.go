// Package transport owns the provider's one HTTP client stack: the only retry loop in the project
// (429, 502, 503, 504 and connection failures, exponential backoff with jitter, Retry-After), the
// per-attempt request log with every configured secret masked, the user agent, and the typed
// APIError that platform clients return and diagnostics render.
//
// Platform clients build their *http.Client with New, never retry on their own, and send every
// request through API, the one request builder: a client gives only its paths, its types, how
// it authorizes a request and how its errors read.
package transport
