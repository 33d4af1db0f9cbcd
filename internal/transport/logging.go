package transport

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// loggingTransport logs every attempt: method, URL, status, attempt number and duration.
// Header values are never logged; configured secrets are masked in every message and field.
type loggingTransport struct {
	cfg *Config
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := MaskSecrets(req.Context(), t.cfg.Secrets)
	attempt := 1
	if st := stateFrom(ctx); st != nil {
		st.attempt++
		attempt = st.attempt
	}
	if err := t.cfg.Pacer.Wait(req.Context(), req); err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := t.cfg.Base.RoundTrip(req)
	if err == nil {
		t.cfg.Pacer.Observe(req, resp.StatusCode, start)
	}
	fields := map[string]any{
		"platform":    t.cfg.Platform,
		"method":      req.Method,
		"url":         redactURL(req.URL),
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Debug(ctx, "HTTP request failed", fields)
		return nil, err
	}
	fields["status"] = resp.StatusCode
	if id := requestID(resp.Header); id != "" {
		fields["request_id"] = id
	}
	tflog.Debug(ctx, "HTTP request", fields)
	return resp, nil
}

// MaskSecrets returns a context whose provider logs mask the secrets and any Authorization field.
func MaskSecrets(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, "authorization", "Authorization", "token", "api_key")
	if len(secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
		ctx = tflog.MaskMessageStrings(ctx, secrets...)
	}
	return ctx
}

// redactURL drops user information and the values of query parameters that commonly carry
// credentials; everything else is kept so that a log still says which object was asked for.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "token") || strings.Contains(lk, "key") || strings.Contains(lk, "secret") ||
			strings.Contains(lk, "signature") || strings.Contains(lk, "credential") {
			q[k] = []string{"REDACTED"}
			changed = true
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// maskError replaces secrets in an error's text while keeping it inspectable with errors.Is/As.
func maskError(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	masked := Mask(msg, secrets)
	if masked == msg {
		return err
	}
	return &maskedError{msg: masked, err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// Mask replaces every occurrence of each secret in s with "***".
func Mask(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}

func nonEmpty(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
