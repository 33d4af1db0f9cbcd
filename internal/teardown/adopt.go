package teardown

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
)

// Lost is a create whose answer was lost after the platform may have acted (the contract's
// "lost answers"): what it made is looked up by what identifies it, and Adopt decides.
type Lost struct {
	// Platform names it: "V7", "Code Ocean".
	Platform string
	// Verb and Done say what the create does: "registering" and "registered".
	Verb, Done string
	// Object is what was being created: `V7 item "scan-1" in dataset "scans"`.
	Object string
	// Kind is what one is called: "item", "asset", "DR".
	Kind string
	// Err is the lost answer.
	Err error
	// Retry is what to do when the lookup failed too.
	Retry string
	// Several is what to do when candidates cannot be told apart.
	Several string
	// Nothing says why an empty lookup means nothing was created.
	Nothing string
}

// Adopt gives the outcome of a lookup after a lost answer: the one object found (its identity
// says why it is this create's) is adopted with a warning; none means nothing was created;
// several, or a lookup that failed too, are errors that say what to do. adopted says found
// holds the create's object.
func Adopt[T any](ctx context.Context, l Lost, candidates []T, lookupErr error, identity func(T) string, list func([]T) string) (found T, adopted bool, diags diag.Diagnostics) {
	summary := fmt.Sprintf("%s %s failed: the answer was lost", capitalise(l.Verb), l.Object)
	switch {
	case lookupErr != nil:
		diags.Append(diagnostics.Error(summary, l.Err,
			fmt.Sprintf("%s may have %s the %s, and looking for it failed too (%s). %s", l.Platform, l.Done, l.Kind, lookupErr, l.Retry)))
	case len(candidates) == 1:
		found = candidates[0]
		tflog.Warn(ctx, "create answer lost; what it created was found and adopted", map[string]any{"object": l.Object, "found": identity(found)})
		diags.AddWarning(fmt.Sprintf("The answer to %s %s was lost; the %s it %s is adopted", l.Verb, l.Object, l.Kind, l.Done),
			fmt.Sprintf("The connection broke after %s received the request (%s). %s, so it is this request's and is now in state, "+
				"neither orphaned nor %s twice.", l.Platform, l.Err, identity(found), l.Done))
		return found, true, diags
	case len(candidates) > 1:
		diags.Append(diagnostics.Error(summary, l.Err,
			fmt.Sprintf("%s may have %s the %s, but %d candidates cannot be told apart:\n%s\n%s", l.Platform, l.Done, l.Kind,
				len(candidates), list(candidates), l.Several)))
	default:
		diags.Append(diagnostics.Error(summary, l.Err, l.Nothing+" Run terraform apply again."))
	}
	return found, false, diags
}
