// Package identity holds what the resources with a resource identity share: recording the
// identity in a response, and reading the identity an import block names.
//
// A resource identity is stored beside the state by Terraform 1.12 and later (and OpenTofu
// 1.12), and an import block may name it instead of an id. It must never change over the
// resource's life: the framework fails a refresh, plan or update whose identity differs from the
// recorded one ("Unexpected Identity Change"). So each resource builds its identity from state
// attributes that a change replaces, never from ones an update rewrites.
//
// Terraform before 1.12 neither sends nor stores an identity: the framework still hands every
// CRUD method one (null when none is recorded), and Terraform ignores it in the answers.
package identity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Set records v (a struct of the resource's identity model) as the identity of a response. The
// framework hands a nil identity only to a resource without an identity schema; a unit test may.
func Set(ctx context.Context, dst *tfsdk.ResourceIdentity, v any) diag.Diagnostics {
	if dst == nil {
		return nil
	}
	return dst.Set(ctx, v)
}

// FromImport reads the identity an import block names into v. byIdentity is false for an
// import by id (`terraform import`, or an import block's id), which ImportState reads from
// req.ID instead.
func FromImport(ctx context.Context, req resource.ImportStateRequest, v any) (byIdentity bool, diags diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return false, nil
	}
	return true, req.Identity.Get(ctx, v)
}

// Missing names the attributes of required that are null, unknown or empty, in order: the
// identity's RequiredForImport attributes, which Terraform itself asks for in an import block,
// checked again for a client that does not.
func Missing(required map[string]types.String) []string {
	var out []string
	for name, v := range required {
		if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// InvalidImport is the error of an import by identity that names no valid object: what is
// wrong, and what the identity holds instead.
func InvalidImport(object, problem, want string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Invalid import identity",
		fmt.Sprintf("The import block's identity does not name a %s: %s. Name it as %s.", object, problem, want))
}

// MissingProblem words Missing's answer for InvalidImport.
func MissingProblem(names []string) string {
	return strings.Join(names, " and ") + map[bool]string{true: " is", false: " are"}[len(names) == 1] + " not set"
}
