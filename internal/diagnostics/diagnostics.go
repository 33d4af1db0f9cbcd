// Package diagnostics renders errors as the diagnostics a user reads: a summary that says what
// failed on which object, and a detail that says what the platform answered (status, error name,
// request id) and what to do next.
package diagnostics

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// Error renders err under summary, such as `Deleting V7 item "scan-1" failed`. next, when not
// empty, tells the user what to do; otherwise advice follows from the platform's answer.
func Error(summary string, err error, next string) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, detail(err, next))
}

// Warning renders err as a warning, for work that succeeded with a caveat.
func Warning(summary string, err error, next string) diag.Diagnostic {
	return diag.NewWarningDiagnostic(summary, detail(err, next))
}

func detail(err error, next string) string {
	var b strings.Builder
	var apiErr *transport.APIError
	if errors.As(err, &apiErr) {
		// What the error chain says around the platform's answer (which file, which
		// transaction, what was undone) comes first.
		if outer, inner := err.Error(), apiErr.Error(); outer != inner {
			context := strings.TrimSpace(strings.Replace(outer, inner, "…", 1))
			fmt.Fprintf(&b, "%s\n\n", context)
		}
		fmt.Fprintf(&b, "The %s API answered %d %s", apiErr.Platform, apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		if apiErr.Code != "" {
			fmt.Fprintf(&b, " (%s)", apiErr.Code)
		}
		if apiErr.Method != "" {
			fmt.Fprintf(&b, " to %s %s", apiErr.Method, apiErr.URL)
		}
		b.WriteString(".")
		if apiErr.Message != "" {
			fmt.Fprintf(&b, "\n\n%s", apiErr.Message)
		}
		for _, k := range sortedKeys(apiErr.Parameters) {
			fmt.Fprintf(&b, "\n  %s: %s", k, apiErr.Parameters[k])
		}
		if apiErr.RequestID != "" {
			fmt.Fprintf(&b, "\n\nRequest id: %s (quote it to the platform's support).", apiErr.RequestID)
		}
		if next == "" {
			next = advice(apiErr.StatusCode)
		}
	} else {
		b.WriteString(err.Error())
	}
	if next != "" {
		fmt.Fprintf(&b, "\n\n%s", next)
	}
	return b.String()
}

// advice is the next step a status usually calls for.
func advice(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "Check the credentials in the provider configuration or its environment variables."
	case status == http.StatusForbidden:
		return "The credentials are valid but lack permission for this object; ask for access or use other credentials."
	case status == http.StatusNotFound:
		return "The object does not exist (any more); check the identifiers."
	case status == http.StatusConflict:
		return "The object is in a state that does not allow this now; wait and run the command again."
	case status == http.StatusTooManyRequests:
		return "The platform is rate limiting and the retries ran out; wait, or raise retry.max_wait, and run the command again."
	case status >= 500:
		return "The platform failed and the retries ran out; run the command again later. Anything done so far is kept in state."
	case status >= 400:
		return "The request was refused; check the arguments against the platform's rules."
	}
	return ""
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// AsError is the first error of diags as an error (its summary and detail), or nil: for a
// diagnostic that must travel where only an error can, such as a teardown step's connection.
func AsError(diags diag.Diagnostics) error {
	for _, d := range diags.Errors() {
		return fmt.Errorf("%s: %s", d.Summary(), d.Detail())
	}
	return nil
}
